"""The player's timer (static/js/player/timer.js) on its own, in a page of the live server.

The module has no page to draw on: a test page on the live server's origin imports it, and the
tests drive it with `page.evaluate`, as the player does on each tick. Times left are mid-second
(3.5 s shows as 0:04), so no check sits on a rounding edge.
"""

import pytest

# Served at a URL on the live server's origin, so the module loads from its /static/ as the
# player's page loads it.
HARNESS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Timer</title>
<script type="module">
import { GET_READY_SECONDS, clock, createTimer } from "/static/js/player/timer.js";
window.GET_READY_SECONDS = GET_READY_SECONDS;
window.clock = clock;
window.makeTimer = (options) => { window.timer = createTimer(options); return view(); };
window.view = () => {
  const t = window.timer;
  return {phase: t.phase, index: t.index, elapsed: t.elapsed, remaining: t.remaining,
          shown: clock(t.remaining), readyDigit: t.readyDigit, timeUp: t.timeUp,
          visits: t.visits, extra: t.extra};
};
// `times` ticks of `seconds` each: every event, each with the tick it came on.
window.tick = (seconds, times) => {
  const seen = [];
  for (let n = 1; n <= times; n += 1) {
    window.timer.advance(seconds).forEach((event) => seen.push(Object.assign({tick: n}, event)));
  }
  return seen;
};
window.harnessReady = true;
</script></head><body><main id="main"></main></body></html>
"""

# A routine like the player tests' own: 5 s, then two strokes of 3 s, then 4 s on the feet.
STEPS = [
    {"id": 11, "seconds": 5, "areaKey": "whole_body"},
    {"id": 12, "seconds": 6, "areaKey": "legs"},
    {"id": 13, "seconds": 4, "areaKey": "feet"},
]


@pytest.fixture
def timer_page(phone, live_server):
    url = f"{live_server.url}/timer-harness/"
    phone.route(url, lambda route: route.fulfill(body=HARNESS, content_type="text/html"))
    phone.goto(url)
    phone.wait_for_function("window.harnessReady === true")
    return phone


def make(page, **options):
    return page.evaluate("(options) => makeTimer(options)", {"steps": STEPS, **options})


def call(page, method, *args):
    """Call a method of the timer: what it returns (its events), then the timer as it is now."""
    events = page.evaluate("([name, args]) => timer[name](...args)", [method, list(args)])
    return events, page.evaluate("view()")


def ticks(page, seconds, times=1):
    return page.evaluate("([seconds, times]) => tick(seconds, times)", [seconds, times])


def view(page):
    return page.evaluate("view()")


def started(page, **options):
    """A timer past its "get ready": the step's time has just begun (or resumed)."""
    make(page, **options)
    call(page, "start")
    events = ticks(page, 1.5, 2)
    assert [(e["type"], e.get("n")) for e in events] == [("digit", 2), ("go", None)], events
    assert view(page)["phase"] == "running"
    assert view(page)["elapsed"] == options.get("elapsed", 0)


def types(events):
    return [e["type"] for e in events]


def test_the_get_ready_counts_3_2_1_once_each_and_gives_what_it_did_not_need_to_the_step(
    timer_page,
):
    page = timer_page
    assert page.evaluate("GET_READY_SECONDS") == 3
    make(page)
    assert view(page)["phase"] == "ready"
    events, now = call(page, "start")
    assert events == [{"type": "get-ready", "n": 3}]
    assert now["phase"] == "countdown"
    assert now["readyDigit"] == 3

    seen = ticks(page, 0.7, 5)  # 3.5 s: the "get ready" and half a second of the step
    assert [(e["tick"], e["type"], e.get("n")) for e in seen] == [
        (2, "digit", 2),  # 1.4 s in: 1.6 s to go
        (3, "digit", 1),  # 2.1 s in: 0.9 s to go
        (5, "go", None),
    ]
    now = view(page)
    assert now["phase"] == "running"
    assert now["readyDigit"] is None
    assert now["elapsed"] == pytest.approx(0.5, abs=1e-9)
    assert now["shown"] == "0:05"  # 4.5 s left


@pytest.mark.parametrize("tick", [0.2, 0.7, 0.25])
def test_a_5_s_step_ends_exactly_on_the_tick_that_reaches_5_s(timer_page, tick):
    page = timer_page
    started(page)
    step_ms, tick_ms = 5000, round(tick * 1000)
    last = -(-step_ms // tick_ms)  # the first tick at or past 5 s
    seen = ticks(page, tick, last - 1)
    assert "step" not in types(seen)
    now = view(page)
    assert now["index"] == 0
    assert now["elapsed"] == pytest.approx((last - 1) * tick_ms / 1000, abs=1e-9)

    seen = ticks(page, tick)
    assert [e for e in seen if e["type"] == "step"] == [
        {"tick": 1, "type": "step", "index": 1, "from": 0, "how": "auto"}
    ]
    now = view(page)
    assert now["index"] == 1
    # Exactly 5 s on the first step, however the ticks fell; the rest is the second step's.
    assert now["visits"]["11"] == [5, False]
    assert now["elapsed"] == pytest.approx((last * tick_ms - step_ms) / 1000, abs=1e-9)


def test_25_ticks_of_0_2_s_are_exactly_5_s(timer_page):
    page = timer_page
    started(page)
    ticks(page, 0.2, 24)
    assert view(page)["remaining"] == pytest.approx(0.2, abs=1e-9)
    seen = ticks(page, 0.2)
    assert types(seen) == ["step"]
    now = view(page)
    assert now["index"] == 1
    assert now["elapsed"] == 0  # not a hair over or under
    assert now["visits"] == {"11": [5, False]}


def test_time_a_step_did_not_need_goes_on_to_the_next_steps_in_order(timer_page):
    page = timer_page
    started(page)
    ticks(page, 1.5)
    assert view(page)["shown"] == "0:04"  # 3.5 s left

    # One long tick (a phone that slept a moment): 3.5 s end the first step, 6 s the second,
    # and 1.5 s go to the third.
    seen = ticks(page, 11)
    assert [(e["type"], e.get("n"), e["index"]) for e in seen] == [
        ("count", 3, 0),
        ("count", 2, 0),
        ("count", 1, 0),
        ("step", None, 1),
        ("count", 3, 1),
        ("count", 2, 1),
        ("count", 1, 1),
        ("step", None, 2),
        ("count", 3, 2),  # 4 s to 2.5 s left
    ]
    now = view(page)
    assert now["index"] == 2
    assert now["elapsed"] == pytest.approx(1.5, abs=1e-9)
    assert now["shown"] == "0:03"
    assert now["visits"] == {"11": [5, False], "12": [6, False], "13": [1.5, False]}


def test_past_the_last_step_the_timer_finishes_and_stops(timer_page):
    page = timer_page
    started(page, index=2, elapsed=2.5)
    seen = ticks(page, 2.2)  # 1.5 s left: 0.7 s more than the routine had
    assert types(seen) == ["count", "finished"]
    now = view(page)
    assert now["phase"] == "done"
    assert now["index"] == 2
    assert now["remaining"] == 0
    assert ticks(page, 1, 3) == []
    assert call(page, "next")[0] == []


def test_3_2_1_come_once_each_as_the_step_goes_by_itself(timer_page):
    page = timer_page
    started(page)
    seen = ticks(page, 0.2, 25)
    counts = [(e["tick"], e["n"]) for e in seen if e["type"] == "count"]
    # 3 s left after 10 ticks, 2 s after 15, 1 s after 20.
    assert counts == [(10, 3), (15, 2), (20, 1)]
    assert seen[-1]["type"] == "step"


def test_3_2_1_can_be_turned_off_and_waits_for_hands_free(timer_page):
    page = timer_page
    started(page, settings={"countdown": False})
    assert "count" not in types(ticks(page, 0.7, 8))
    assert view(page)["index"] == 1

    call(page, "configure", {"countdown": True, "handsFree": False})
    assert "count" not in types(ticks(page, 0.7, 8))


def test_with_hands_free_off_a_step_waits_at_its_end_and_says_so_once(timer_page):
    page = timer_page
    started(page, settings={"handsFree": False})
    seen = ticks(page, 0.7, 20)  # 14 s, on a step of 5
    assert [(e["tick"], e["type"]) for e in seen] == [(8, "time-up")]
    now = view(page)
    assert now["index"] == 0
    assert now["elapsed"] == 5
    assert now["shown"] == "0:00"
    assert now["timeUp"] is True
    assert now["visits"]["11"] == [5, False]

    # +15 s: the step goes on, and says so again when that time is up too.
    call(page, "extend", 15)
    assert view(page)["timeUp"] is False
    assert ticks(page, 14.5) == []
    assert view(page)["shown"] == "0:01"  # 0.5 s left
    assert types(ticks(page, 0.7, 2)) == ["time-up"]

    # Hands-free on again: the next tick moves on, with the time of that tick on the next step.
    call(page, "configure", {"handsFree": True})
    assert types(ticks(page, 0.5)) == ["step"]
    assert view(page)["index"] == 1
    assert view(page)["elapsed"] == pytest.approx(0.5, abs=1e-9)


def test_pause_stops_time_and_resume_goes_on_from_there(timer_page):
    page = timer_page
    started(page)
    ticks(page, 1.5)
    events, now = call(page, "toggle")
    assert events == [{"type": "paused"}]
    assert now["phase"] == "paused"
    assert ticks(page, 0.7, 20) == []
    assert view(page)["shown"] == "0:04"
    assert view(page)["remaining"] == pytest.approx(3.5, abs=1e-9)

    events, now = call(page, "toggle")
    assert events == [{"type": "resumed"}]
    ticks(page, 1)
    assert view(page)["shown"] == "0:03"  # 2.5 s left
    assert view(page)["visits"]["11"][0] == pytest.approx(2.5, abs=1e-9)


def test_a_pause_during_get_ready_holds_it_and_the_big_button_waits_it_out(timer_page):
    page = timer_page
    make(page)
    call(page, "start")
    ticks(page, 0.5)
    # The big button does nothing while the "get ready" counts.
    events, now = call(page, "toggle")
    assert events == []
    assert now["phase"] == "countdown"
    events, now = call(page, "pause")
    assert events == [{"type": "paused"}]
    assert ticks(page, 5) == []
    assert view(page)["elapsed"] == 0
    # Resumed, the step runs at once.
    call(page, "resume")
    ticks(page, 1.5)
    assert view(page)["shown"] == "0:04"


def test_plus_15_extends_the_step_up_to_the_most_allowed(timer_page):
    page = timer_page
    started(page, maxExtra=30)
    ticks(page, 1.5)
    events, now = call(page, "extend", 15)
    assert events == 15
    assert now["shown"] == "0:19"  # 18.5 s left
    assert now["extra"] == {"11": 15}
    assert page.evaluate("timer.duration()") == 20
    call(page, "extend", 15)
    events, now = call(page, "extend", 15)
    assert events == 30
    assert now["shown"] == "0:34"  # 33.5 s left: capped at 30 s on top
    # The extended step ends at its new length, and the time over it carries on.
    seen = ticks(page, 34.2)
    assert [e["type"] for e in seen if e["type"] != "count"] == ["step"]
    assert view(page)["visits"]["11"] == [35, False]
    assert view(page)["elapsed"] == pytest.approx(0.7, abs=1e-9)


def test_skip_next_and_previous_and_a_skipped_step_done_after_all(timer_page):
    page = timer_page
    started(page)
    ticks(page, 1.5)
    events, now = call(page, "skip")
    assert events == [{"type": "step", "index": 1, "from": 0, "how": "skip"}]
    assert now["elapsed"] == 0
    assert now["shown"] == "0:06"
    assert now["visits"]["11"] == [1.5, True]

    events, now = call(page, "previous")
    assert events == [{"type": "step", "index": 0, "from": 1, "how": "previous"}]
    assert now["shown"] == "0:05"  # a step gone back to starts again
    ticks(page, 0.7)
    assert view(page)["visits"]["11"] == [pytest.approx(2.2, abs=1e-9), False]

    events, _now = call(page, "previous")  # already the first: it starts again
    assert events == [{"type": "step", "index": 0, "from": 0, "how": "previous"}]
    call(page, "next")
    call(page, "next")
    events, now = call(page, "next")
    assert events == [{"type": "finished"}]
    assert now["phase"] == "done"


def test_skipping_a_body_area_skips_its_steps_and_gets_ready_again(timer_page):
    page = timer_page
    steps = [*STEPS[:2], {"id": 14, "seconds": 5, "areaKey": "legs"}, STEPS[2]]
    started(page, steps=steps)
    call(page, "next")
    ticks(page, 2.5)
    call(page, "pause")
    events, now = call(page, "skipArea")
    assert events == [
        {"type": "step", "index": 3, "from": 1, "how": "area"},
        {"type": "get-ready", "n": 3},
    ]
    assert now["phase"] == "countdown"
    assert now["visits"]["12"] == [2.5, True]
    assert now["visits"]["14"] == [0, True]
    seen = ticks(page, 3.5)  # in one tick: no time to show 2 or 1
    assert types(seen) == ["go"]
    assert view(page)["shown"] == "0:04"  # 3.5 s of the feet's 4 left

    # The last area skipped: nothing is left, and the massage finishes.
    events, now = call(page, "skipArea")
    assert events == [{"type": "finished"}]
    assert now["phase"] == "done"
    assert now["visits"]["13"] == [pytest.approx(0.5, abs=1e-9), True]


def test_a_timer_resumes_where_the_massage_was(timer_page):
    page = timer_page
    now = make(
        page,
        index=1,
        elapsed=2.5,
        extra={"12": 15},
        visits={"11": [5, False], "12": [2.5, False]},
    )
    assert now["phase"] == "ready"
    assert now["shown"] == "0:19"  # 18.5 s of 6 + 15 left
    assert now["visits"] == {"11": [5, False], "12": [2.5, False]}
    call(page, "start")
    ticks(page, 3.7)
    assert view(page)["shown"] == "0:18"  # 17.8 s left
    assert view(page)["visits"]["12"] == [pytest.approx(3.2, abs=1e-9), False]


def test_the_time_left_reads_as_minutes_and_seconds_rounded_up(timer_page):
    page = timer_page
    shown = page.evaluate("[3.5, 0.4, 0, -1, 59.5, 60, 61.5, 754.2].map((s) => clock(s))")
    assert shown == ["0:04", "0:01", "0:00", "0:00", "1:00", "1:00", "1:02", "12:35"]
