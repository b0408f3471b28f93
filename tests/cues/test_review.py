"""A session looked back on: the review page, its server-drawn timeline, notes on cues, and the
cue card on the session summary."""

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import timedelta
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cues import charts
from cues.models import CueEvent
from sessions.models import Outcome
from tests.factories import (
    BabyFactory,
    CueEventFactory,
    MassageSessionFactory,
    StepVisitFactory,
    routine_with_areas,
)

INVALID = 422
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def routine(db):
    return routine_with_areas(["legs", "tummy", "arms", "back"], title="Evening calm")


@pytest.fixture
def steps(routine):
    return list(routine.steps.order_by("order"))


def visit(session, step, seconds=30, skipped=False):
    return StepVisitFactory(
        session=session,
        step=step,
        seconds=seconds,
        skipped=skipped,
    )


def cue(session, step, kind="smiling", at=60, **fields):
    return CueEventFactory(session=session, step=step, kind=kind, seconds_into_session=at, **fields)


@pytest.fixture
def session(routine, steps, baby, parent):
    """An ended massage: legs and tummy done, arms skipped, back done; five cues, one undone."""
    session = MassageSessionFactory(
        routine=routine,
        baby=baby,
        started_by=parent,
        started_at=timezone.now() - timedelta(minutes=10),
        note="He loved the legs tonight.",
    )
    legs, tummy, arms, back = steps
    visit(session, legs, 60)
    visit(session, tummy, 45)
    visit(session, arms, 0, skipped=True)
    visit(session, back, 30)
    cue(session, legs, "smiling", 20, recorded_by=parent)
    cue(session, legs, "eye_contact", 40)
    cue(session, tummy, "squirming", 80)
    cue(session, tummy, "crying", 100)
    cue(session, back, "hiccups", 130, undone_at=timezone.now())
    session.finish(outcome=Outcome.BABY_LED_END, reason="Crying during tummy")
    return session


def review_url(session):
    return reverse("cues:session-review", args=[session.pk])


def note_url(cue_event):
    return reverse("cues:cue-note", args=[cue_event.session_id, cue_event.client_id])


def text(response):
    return unescape(response.content.decode())


def first_cue(session, kind):
    return CueEvent.objects.get(session=session, kind=kind)


# -- Who may see it ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, session):
    for response in (
        client.get(review_url(session)),
        client.post(note_url(first_cue(session, "smiling")), {"note": "x"}),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert first_cue(session, "smiling").note == ""


def test_another_family_gets_404(client, outsider, session):
    client.force_login(outsider)
    assert client.get(review_url(session)).status_code == 404
    smiling = first_cue(session, "smiling")
    assert client.post(note_url(smiling), {"note": "mine now"}).status_code == 404
    assert client.post(note_url(smiling), {"note": "mine now"}, **HTMX).status_code == 404
    smiling.refresh_from_db()
    assert smiling.note == ""


def test_a_caregiver_of_the_family_may_review_and_note(client, caregiver, session):
    client.force_login(caregiver)
    assert client.get(review_url(session)).status_code == 200
    smiling = first_cue(session, "smiling")
    assert client.post(note_url(smiling), {"note": "Grandma saw it"}).status_code == 302
    smiling.refresh_from_db()
    assert smiling.note == "Grandma saw it"


def test_a_cue_must_belong_to_the_session_in_the_url(as_parent, session, routine, baby):
    other = MassageSessionFactory(routine=routine, baby=BabyFactory(family=baby.family))
    smiling = first_cue(session, "smiling")
    url = reverse("cues:cue-note", args=[other.pk, smiling.client_id])
    assert as_parent.post(url, {"note": "x"}).status_code == 404
    url = reverse("cues:cue-note", args=[session.pk, uuid.uuid4()])
    assert as_parent.post(url, {"note": "x"}).status_code == 404


# -- The page ------------------------------------------------------------------------------------


def test_review_shows_the_timeline_counts_readiness_and_ending(as_parent, session):
    response = as_parent.get(review_url(session))
    assert response.status_code == 200
    page = text(response)
    svg = re.search(r'<svg class="chart timeline".*?</svg>', page, re.S).group(0)
    assert 'role="img"' in svg
    assert "<title" in svg
    # Four steps as bands (the skipped one drawn differently), four standing cues as marks.
    assert len(re.findall(r'class="tl-band tl-band-\d"', svg)) == 3
    assert svg.count('class="tl-band-skipped"') == 1
    assert svg.count("tl-mark tl-engage") == 2
    assert svg.count("tl-mark tl-break") == 2
    # Counts, readiness answers in the words of the check, the ending and the note.
    assert "Legs stroke 1" in page and "Tummy stroke 2" in page
    assert "Is your baby well today?" in page and "Yes, well" in page
    assert "Quiet alert" in page
    assert "Baby-led end" in page and "Crying during tummy" in page
    assert "He loved the legs tonight." in page
    assert reverse("cues:baby-history", args=[session.baby_id]) in page


def test_review_counts_per_area_and_per_step(as_parent, session):
    page = text(as_parent.get(review_url(session)))
    areas = re.search(r'<table class="review-table areas-table">.*?</table>', page, re.S).group(0)
    rows = re.findall(
        r'<th scope="row">\s*([^<]+?)\s*<svg.*?<td class="num">(\d+)</td>\s*'
        r'<td class="num">(\d+)</td>',
        areas,
        re.S,
    )
    assert rows == [("Legs", "2", "0"), ("Tummy", "0", "2")]
    steps = re.search(r'<table class="review-table steps-table">.*?</table>', page, re.S).group(0)
    assert "skipped" in steps
    assert steps.count("<tr") == 5  # the head and four steps


def test_undone_cues_are_left_out_everywhere(as_parent, session):
    page = text(as_parent.get(review_url(session)))
    assert "Hiccups" not in page
    assert page.count('class="cue-line ') == 4
    summary = text(as_parent.get(reverse("sessions:session-summary", args=[session.pk])))
    assert "2 signs of enjoying" in summary
    assert "2 signs of needing a break" in summary


def test_each_cue_has_a_note_form_that_works_without_javascript(as_parent, session):
    page = text(as_parent.get(review_url(session)))
    smiling = first_cue(session, "smiling")
    row = re.search(rf'<tr id="cue-{smiling.client_id}".*?</tr>', page, re.S).group(0)
    assert f'action="{note_url(smiling)}"' in row
    assert f'hx-post="{note_url(smiling)}"' in row
    assert 'method="post"' in row and "csrfmiddlewaretoken" in row


def test_a_running_session_can_be_reviewed_so_far(as_parent, routine, steps, baby):
    running = MassageSessionFactory(routine=routine, baby=baby)
    visit(running, steps[0], 20)
    cue(running, steps[0], "cooing", 10)
    cue(running, steps[1], "frowning", 30)  # on a step with no visit saved yet
    running.current_step, running.current_elapsed = steps[1], 12
    running.save()
    page = text(as_parent.get(review_url(running)))
    assert "still going" in page
    assert reverse("sessions:session-player", args=[running.pk]) in page
    assert "Babbling or cooing" in page and "Frowning or grimacing" in page
    # The step on screen now is drawn as the second band, with its cue in it.
    svg = re.search(r'<svg class="chart timeline".*?</svg>', page, re.S).group(0)
    assert len(re.findall(r'class="tl-band tl-band-\d"', svg)) == 2
    steps_table = page.split('class="review-table steps-table"')[1].split("</table>")[0]
    assert re.search(r"2\.</span> Tummy stroke 2.*?now", steps_table, re.S)


def test_a_session_without_steps_or_cues_still_reviews(as_parent, routine, baby):
    empty = MassageSessionFactory(routine=routine, baby=baby, readiness={})
    empty.finish(outcome=Outcome.INTERRUPTED)
    page = text(as_parent.get(review_url(empty)))
    assert "No cues were noted in this massage." in page
    assert 'role="img"' in page


# -- Notes on cues -------------------------------------------------------------------------------


# -- The timeline and the list of cues tell the same time -----------------------------------------


@pytest.fixture
def paused(baby, parent):
    """Legs then tummy, a minute each, with a long pause (about 2 min) before the tummy cues."""
    routine = routine_with_areas(["legs", "tummy"], title="Short calm")
    legs, tummy = routine.steps.order_by("order")
    session = MassageSessionFactory(
        routine=routine,
        baby=baby,
        started_by=parent,
        started_at=timezone.now() - timedelta(minutes=10),
    )
    visit(session, legs, 60)
    visit(session, tummy, 60)
    cue(session, legs, "smiling", 30)
    cue(session, tummy, "squirming", 200)
    cue(session, tummy, "crying", 260)
    session.finish(outcome=Outcome.COMPLETED, at=session.started_at + timedelta(minutes=5))
    return session


def cue_times(page):
    """The times in the list of cues, top to bottom."""
    return re.findall(r'<td role="cell" class="cue-when">([\d:]+)<', page)


def tick_axis(svg):
    """Seconds of the axis mapped to x (in percent), from the tick labels: a linear scale."""
    ticks = [
        (int(m) * 60 + int(sec), float(x))
        for x, m, sec in re.findall(
            r'<text class="tl-tick-label" x="([\d.]+)%"[^>]*>(\d+):(\d\d)</text>', svg
        )
    ]
    (t0, x0), (t1, x1) = ticks[0], ticks[-1]
    return lambda seconds: x0 + (seconds - t0) / (t1 - t0) * (x1 - x0)


def seconds_of(clock_text):
    minutes, seconds = clock_text.split(":")
    return int(minutes) * 60 + int(seconds)


def test_each_cue_is_drawn_where_the_axis_reads_the_time_its_row_shows(as_parent, paused):
    page = text(as_parent.get(review_url(paused)))
    svg = re.search(r'<svg class="chart timeline".*?</svg>', page, re.S).group(0)
    # Two minutes of steps: the tummy cues came late on the wall clock (a pause), but the list
    # shows their time on the massage clock, inside the tummy step, as the timeline draws them.
    assert cue_times(page) == ["0:30", "1:42", "1:59"]
    assert "Massage time, pauses left out" in svg
    assert "massage time: the time spent on the steps, with pauses left out" in page
    x_at = tick_axis(svg)
    marks = re.findall(r'<title>([^<]+)</title><use href="#timeline-\w+" x="([\d.]+)%"', svg)
    assert [label.split(" · ")[1] for label, _x in marks] == cue_times(page)
    for (_label, x), when in zip(marks, cue_times(page), strict=True):
        assert float(x) == pytest.approx(x_at(seconds_of(when)), abs=0.5), when
    # The last tick is the end of the steps: no cue is later than the axis goes.
    assert max(seconds_of(when) for when in cue_times(page)) <= 120
    # Under each time, the time of day it was noted.
    crying = first_cue(paused, "crying")
    local = timezone.localtime(crying.at)
    assert f'<time datetime="{local.isoformat()}">{local:%H:%M}</time>' in page


def test_a_note_saved_with_htmx_keeps_the_rows_massage_time(as_parent, paused):
    crying = first_cue(paused, "crying")
    response = as_parent.post(note_url(crying), {"note": "Needed a cuddle"}, **HTMX)
    assert response.status_code == 200
    assert cue_times(text(response)) == ["1:59"]


def test_without_steps_the_cues_go_by_the_clock_and_say_so(as_parent, routine, steps, baby):
    session = MassageSessionFactory(
        routine=routine, baby=baby, started_at=timezone.now() - timedelta(minutes=5)
    )
    cue(session, steps[0], "smiling", 75)
    session.finish(outcome=Outcome.ENDED_EARLY, at=session.started_at + timedelta(minutes=3))
    page = text(as_parent.get(review_url(session)))
    assert cue_times(page) == ["1:15"]
    assert "Time since the massage began" in page
    assert "counted from the start" in page


def test_massage_times_leave_pauses_out_and_keep_cues_on_their_step():
    b = bands(60, 60, 60)
    # A pause of 110 s during the second step; the third step's cue comes 110 s late too.
    times = charts.massage_times(b, [mark(1, 30), mark(2, 200), mark(2, 230), mark(3, 250)])
    assert times[0] == 30  # no pause yet: massage time is the clock
    assert 60 < times[1] < times[2] < 120  # spread over the second step, in order
    assert times[3] == 140  # 250 s on the clock, less the 110 s pause
    # Where they are drawn is where the axis has those times.
    xs = charts.place_marks(b, [mark(1, 30), mark(2, 200), mark(2, 230), mark(3, 250)])
    assert xs[0] == pytest.approx(30 / 180) and xs[3] == pytest.approx(140 / 180)


def test_note_as_htmx_swaps_just_the_row(as_parent, session):
    smiling = first_cue(session, "smiling")
    response = as_parent.post(note_url(smiling), {"note": "Big gummy smile"}, **HTMX)
    assert response.status_code == 200
    body = text(response).strip()
    assert body.startswith(f'<tr id="cue-{smiling.client_id}"')
    assert body.endswith("</tr>")
    assert "<html" not in body and "Moment by moment" not in body
    assert 'value="Big gummy smile"' in body and "Saved" in body
    smiling.refresh_from_db()
    assert smiling.note == "Big gummy smile"


def test_note_without_javascript_redirects_back_to_the_review(as_parent, session):
    smiling = first_cue(session, "smiling")
    response = as_parent.post(note_url(smiling), {"note": "  Lovely  "})
    assert response.status_code == 302
    assert response.url == f"{review_url(session)}#cue-{smiling.client_id}"
    smiling.refresh_from_db()
    assert smiling.note == "Lovely"
    page = text(as_parent.get(response.url))
    assert "Note saved." in page and 'value="Lovely"' in page


def test_a_note_can_be_cleared(as_parent, session):
    smiling = first_cue(session, "smiling")
    smiling.note = "old"
    smiling.save()
    as_parent.post(note_url(smiling), {"note": ""}, **HTMX)
    smiling.refresh_from_db()
    assert smiling.note == ""


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_a_note_too_long_is_refused_and_nothing_changes(as_parent, session, headers):
    smiling = first_cue(session, "smiling")
    smiling.note = "kept"
    smiling.save()
    response = as_parent.post(note_url(smiling), {"note": "x" * 501}, **headers)
    assert response.status_code == INVALID
    body = text(response)
    assert "at most 500 characters" in body and "this one has 501" in body
    assert 'aria-invalid="true"' in body
    if headers:
        assert body.strip().startswith("<tr") and "<html" not in body
    else:
        assert "Moment by moment" in body  # the whole page, with the error in that row
    smiling.refresh_from_db()
    assert smiling.note == "kept"


def test_a_note_on_an_undone_cue_is_404(as_parent, session):
    hiccups = first_cue(session, "hiccups")
    assert as_parent.post(note_url(hiccups), {"note": "x"}).status_code == 404


def test_note_needs_post(as_parent, session):
    assert as_parent.get(note_url(first_cue(session, "smiling"))).status_code == 405


# -- The summary links to the review ---------------------------------------------------------------


def test_summary_shows_cue_counts_and_the_way_to_the_review(as_parent, session):
    page = text(as_parent.get(reverse("sessions:session-summary", args=[session.pk])))
    assert "See the review" in page
    assert f'href="{review_url(session)}"' in page


def test_summary_without_cues_says_so_kindly(as_parent, routine, baby):
    quiet = MassageSessionFactory(routine=routine, baby=baby)
    quiet.finish(outcome=Outcome.COMPLETED)
    page = text(as_parent.get(reverse("sessions:session-summary", args=[quiet.pk])))
    assert "No cues were noted this time." in page
    assert "See the review" in page


# -- Queries do not grow with the session --------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# login session, user, the massage session, what the review shows (cues, visits, notes, in one:
# the cache's key), and when it is not in the cache: cues, visits, counts per area, counts per
# stroke, the instructors' notes on it
REVIEW_CEILING = 9
REVIEW_KEPT_CEILING = 4


def session_with(baby, n_steps, n_cues):
    routine = routine_with_areas((["legs", "tummy", "arms", "back", "face"] * n_steps)[:n_steps])
    session = MassageSessionFactory(routine=routine, baby=baby)
    steps = list(routine.steps.order_by("order"))
    for index, step in enumerate(steps):
        visit(session, step, 20, skipped=index % 4 == 3)
    kinds = ["smiling", "squirming", "eye_contact", "crying", "stilling", "yawning"]
    for index in range(n_cues):
        cue(session, steps[index % len(steps)], kinds[index % len(kinds)], 5 + index * 3)
    session.finish(outcome=Outcome.COMPLETED)
    return session


def test_review_queries_do_not_grow_with_steps_or_cues(
    as_parent, family, django_assert_max_num_queries
):
    small = session_with(BabyFactory(family=family), 1, 1)
    big = session_with(BabyFactory(family=family), 30, 120)
    cache.clear()
    small_count = count_queries(as_parent, review_url(small))
    with django_assert_max_num_queries(REVIEW_CEILING):
        response = as_parent.get(review_url(big))
    assert text(response).count('class="cue-line ') == 120
    cache.clear()
    assert count_queries(as_parent, review_url(big)) == small_count <= REVIEW_CEILING
    # Drawn again from the cache (`cues.pages.family_review_page`): fewer, and as many.
    with django_assert_max_num_queries(REVIEW_KEPT_CEILING):
        assert text(as_parent.get(review_url(big))).count('class="cue-line ') == 120
    as_parent.get(review_url(small))
    kept = count_queries(as_parent, review_url(small))
    assert count_queries(as_parent, review_url(big)) == kept <= REVIEW_KEPT_CEILING


def test_summary_card_costs_one_query(as_parent, family, django_assert_max_num_queries):
    small = session_with(BabyFactory(family=family), 1, 1)
    big = session_with(BabyFactory(family=family), 30, 120)
    url = reverse("sessions:session-summary", args=[small.pk])
    small_count = count_queries(as_parent, url)
    big_count = count_queries(as_parent, reverse("sessions:session-summary", args=[big.pk]))
    assert small_count == big_count <= 5


# -- The timeline drawing (pure) -----------------------------------------------------------------


def bands(*spec):
    return [
        charts.Band(key=i, number=i, label=f"Step {i}", seconds=s, skipped=s is None)
        for i, s in enumerate(spec, start=1)
    ]


def mark(key, seconds, engaging=True, potent=True, label="Smiling"):
    return charts.Mark(key=key, seconds=seconds, engaging=engaging, potent=potent, label=label)


def test_marks_stay_inside_the_step_they_were_logged_on():
    # 60 s then 60 s of massage, but a long pause made the second step's cues come late.
    b = bands(60, 60)
    xs = charts.place_marks(b, [mark(1, 10), mark(1, 50), mark(2, 200), mark(2, 260)])
    assert 0 < xs[0] < xs[1] < 0.5 < xs[2] < xs[3] < 1


def test_a_cue_on_a_skipped_step_sits_in_its_slot_and_unknown_steps_go_by_time():
    b = bands(60, None, 60)
    xs = charts.place_marks(b, [mark(2, 70), mark(None, 30), mark(99, 999)])
    layout = charts._layout(b)
    assert layout[1].x0 < xs[0] < layout[1].x1
    assert xs[1] == pytest.approx(layout[0].x1 / 2)
    assert xs[2] == 1.0


SVG = "{http://www.w3.org/2000/svg}"


def ys(svg, cls):
    return [float(y) for y in re.findall(rf'<use [^>]*y="([\d.]+)" class="[^"]*{cls}', svg)]


def test_engagement_above_the_line_and_disengagement_below_potent_and_subtle_differ():
    svg = charts.timeline_svg(
        bands=bands(60, 60),
        marks=[
            mark(1, 10),
            mark(1, 11, potent=False),
            mark(2, 70, engaging=False),
            mark(2, 90, engaging=False, potent=False),
        ],
        title="Timeline",
    )
    band_y = float(re.search(r'<rect class="tl-band[^"]*" x="[^"]+" y="([\d.]+)"', svg).group(1))
    assert all(y < band_y for y in ys(svg, "tl-engage"))
    assert all(y > band_y + charts.BAND_H for y in ys(svg, "tl-break"))
    # Shape, not colour alone: circles and triangles, large filled and small hollow.
    assert 'href="#tl-ep"' in svg and 'href="#tl-es"' in svg
    assert 'href="#tl-dp"' in svg and 'href="#tl-ds"' in svg
    # Two cues a second apart are stacked, not drawn on top of each other.
    assert len(set(ys(svg, "tl-engage"))) == 2


def test_the_timeline_partial_draws_the_geometry_worked_out_in_python():
    drawn = {
        "bands": bands(60, None, 60),
        "marks": [mark(1, 10), mark(3, 100, engaging=False, potent=False)],
        "title": "Timeline",
        "axis_label": "Massage time",
    }
    chart = charts.timeline(**drawn)
    svg = charts.timeline_svg(**drawn)
    assert svg == charts.timeline_svg(**drawn)
    root = ET.fromstring(svg)
    assert [r.get("x") for r in root.iter(f"{SVG}rect")] == [b["x"] for b in chart["bands"]]
    assert [u.get("x") for u in root.iter(f"{SVG}use")] == [m["x"] for m in chart["marks"]]
    assert [u.get("href") for u in root.iter(f"{SVG}use")] == ["#tl-ep", "#tl-ds"]
    texts = {t.get("class"): t.text for t in root.iter(f"{SVG}text")}
    assert texts["tl-skip-mark"] == "\u00d7"
    assert texts["tl-axis-label"] == "Massage time"
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tl-tick-label"]
    assert ticks == [tick["label"] for tick in chart["ticks"]]


def test_timeline_escapes_text_and_is_safe_under_the_csp():
    svg = charts.timeline_svg(
        bands=[charts.Band(key=1, number=1, label="<script>alert(1)</script>", seconds=30)],
        marks=[mark(1, 5, label='"><img src=x onerror=alert(1)>')],
        title="<b>Title</b>",
        description="A & B",
    )
    assert "<script>" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "A &amp; B" in svg
    assert "style=" not in svg and "<style" not in svg


def test_clock():
    assert charts.clock(0) == "0:00"
    assert charts.clock(65.4) == "1:05"
    assert charts.clock(3725) == "1:02:05"


def test_a_stroke_done_twice_counts_its_cues_on_each_of_its_steps(as_parent, baby):
    routine = routine_with_areas(["legs", "tummy", "legs"])
    first, middle, again = routine.steps.order_by("order")
    again.stroke = first.stroke  # the same stroke, once at the start and once at the end
    again.save()
    session = MassageSessionFactory(routine=routine, baby=baby)
    for step in (first, middle, again):
        visit(session, step, 30)
    cue(session, first, "smiling", 10)
    cue(session, again, "frowning", 70)
    cue(session, again, "crying", 75)
    session.finish(outcome=Outcome.COMPLETED)
    page = text(as_parent.get(review_url(session)))
    steps = re.search(r'<table class="review-table steps-table">.*?</table>', page, re.S).group(0)
    counts = re.findall(
        r'<span class="step-no">(\d)\.</span>.*?<td class="num">(\d+)</td>\s*'
        r'<td class="num">(\d+)</td>',
        steps,
        re.S,
    )
    assert counts == [("1", "1", "0"), ("2", "0", "0"), ("3", "0", "2")]
