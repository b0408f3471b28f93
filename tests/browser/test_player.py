"""The player as a parent uses it: hands-free to the end, pause, reload, and without JavaScript.

Playwright's clock drives the player's timers, so a routine of 15 seconds plays in no time.
"""

import threading

import pytest
from django.conf import settings
from playwright.sync_api import expect

from sessions import services
from sessions.models import MassageSession
from tests.browser.conftest import (
    IN_FLIGHT,
    _close,
    _open,
    log_in,
    shoot,
    stop_the_clock,
    wait_until,
)
from tests.factories import BabyFactory, MembershipFactory, RoutineFactory, StepFactory

COUNTDOWN_MS = 3000


@pytest.fixture
def short_routine(transactional_db):
    routine = RoutineFactory(
        slug="three-steps", title="Three steps", summary="A tiny routine for tests."
    )
    StepFactory(
        routine=routine,
        body_area="whole_body",
        stroke="Ask permission",
        instruction="Show your hands.",
        motion="hold",
        seconds=5,
    )
    StepFactory(
        routine=routine,
        body_area="legs",
        stroke="Leg glide",
        instruction="Glide down the leg.",
        motion="glide_toward_feet",
        seconds=None,
        repetitions=2,
        seconds_per_repetition=3,
    )
    StepFactory(
        routine=routine,
        body_area="feet",
        stroke="Thumb walk",
        instruction="Walk your thumbs.",
        motion="thumb_walk",
        seconds=4,
    )
    return routine


@pytest.fixture
def parent_and_baby(transactional_db):
    membership = MembershipFactory()
    baby = BabyFactory(family=membership.family, name="Ada")
    return membership.user, baby


READY_BUTTON = {"en": "Ready", "es": "Todo listo"}  # as the catalogue has it


def answer_readiness(page, language="en"):
    for name, value in [
        ("health", "well"),
        ("vaccination", "no"),
        ("skin", "clear"),
        ("feed", "over_30"),
        ("state", "quiet_alert"),
    ]:
        page.check(f"input[name={name}][value={value}]")
    page.get_by_role("button", name=READY_BUTTON[language]).click()


def open_player(page, live_server, parent_and_baby, routine):
    user, baby = parent_and_baby
    log_in(page, live_server, user)
    stop_the_clock(page)
    page.goto(f"/babies/{baby.pk}/routines/{routine.slug}/start/")
    answer_readiness(page)
    expect(page.get_by_role("heading", name="Ask permission")).to_be_visible()
    return baby


def test_routine_plays_hands_free_to_the_summary_after_one_tap(
    phone, live_server, parent_and_baby, short_routine
):
    page = phone
    baby = open_player(page, live_server, parent_and_baby, short_routine)
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Get ready…")).to_be_visible()

    page.clock.run_for(COUNTDOWN_MS + 1500)  # mid-second: 3.5 s left shows as 0:04
    expect(page.locator("[data-count]")).to_have_text("0:04")
    shoot(page, "player-step-phone")
    page.clock.run_for(4000)
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    expect(page.locator("[data-count-label]")).to_have_text("stroke 1 of 2")
    page.clock.run_for(6000 + 4000 + 1000)

    page.wait_for_url("**/summary/")
    expect(page.get_by_role("heading", name="Well done")).to_be_visible()
    session = MassageSession.objects.get(baby=baby)
    assert session.outcome == "completed"
    visits = list(session.visits.order_by("order"))
    assert [v.stroke for v in visits] == ["Ask permission", "Leg glide", "Thumb walk"]
    assert not any(v.skipped for v in visits)
    assert [round(v.seconds) for v in visits] == [5, 6, 4]


def test_tapping_the_picture_pauses_and_resumes(phone, live_server, parent_and_baby, short_routine):
    page = phone
    open_player(page, live_server, parent_and_baby, short_routine)
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(COUNTDOWN_MS + 1500)
    expect(page.locator("[data-count]")).to_have_text("0:04")

    page.locator("[data-step-id]:not([hidden]) .player-figure").click()
    expect(page.locator(".player-clock [data-paused-badge]")).to_have_text("Paused")
    page.clock.run_for(10_000)
    expect(page.locator("[data-count]")).to_have_text("0:04")
    expect(page.get_by_role("heading", name="Ask permission")).to_be_visible()

    page.get_by_role("button", name="Resume").click()
    page.clock.run_for(1000)
    expect(page.locator("[data-count]")).to_have_text("0:03")


def test_reload_resumes_on_the_same_step_with_the_time_left(
    phone, live_server, parent_and_baby, short_routine
):
    page = phone
    baby = open_player(page, live_server, parent_and_baby, short_routine)
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(COUNTDOWN_MS + 5000 + 2500)  # 3.5 s of the leg glide's 6 left
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    page.keyboard.press("Space")  # pause: progress is saved at once
    expect(page.locator("[data-count]")).to_have_text("0:04")
    # The pause's save may queue behind the one the step change started: wait for it to land.
    paused_here = MassageSession.objects.filter(
        baby=baby, current_step__stroke="Leg glide", current_elapsed__gte=2.4
    )
    assert wait_until(page, paused_here.exists)

    page.reload()
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    expect(page.locator("[data-count]")).to_have_text("0:04")
    expect(page.get_by_role("button", name="Continue")).to_be_visible()
    session = MassageSession.objects.get(baby=baby)
    assert session.current_step.stroke == "Leg glide"
    assert session.visits.get(stroke="Ask permission").seconds == pytest.approx(5, abs=0.5)

    page.get_by_role("button", name="Continue").click()
    page.clock.run_for(COUNTDOWN_MS + 1000)
    expect(page.locator("[data-count]")).to_have_text("0:03")  # 2.5 s left


def test_a_reload_resumes_exactly_even_before_the_leaving_pages_save_lands(
    phone, live_server, parent_and_baby, short_routine, monkeypatch, request
):
    page = phone
    baby = open_player(page, live_server, parent_and_baby, short_routine)
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(COUNTDOWN_MS + 5000 + 2500)  # running, 3.5 s of the leg glide left
    expect(page.locator("[data-count]")).to_have_text("0:04")
    on_leg_glide = MassageSession.objects.filter(baby=baby, current_step__stroke="Leg glide")
    assert wait_until(page, on_leg_glide.exists)
    # The saves the run started have all been answered (a busy machine takes its time).
    assert wait_until(page, lambda: IN_FLIGHT.count <= 0, seconds=20)
    seq_before = on_leg_glide.get().progress_seq

    # The server takes its time over the saves the page sends as it leaves: the new page is
    # drawn from the older progress.
    let_through = threading.Event()
    request.addfinalizer(let_through.set)  # a failing test leaves no request waiting
    held = []
    save_progress = services.session_progress

    def slow_save(**kwargs):
        held.append(kwargs["seq"])
        let_through.wait(120)
        return save_progress(**kwargs)

    monkeypatch.setattr(services, "session_progress", slow_save)
    failures = []  # what the browser said of the saves it could not send
    page.on(
        "requestfailed",
        lambda r: r.url.endswith("/progress/") and failures.append(r.failure),
    )
    # Chromium does not promise to send what a page sends as it goes away: here about one reload
    # in four lost both of its leaving saves. The page after must not need them, which every
    # reload shows; what comes next needs one to arrive, so the page is left again until one has.
    for _attempt in range(5):
        page.reload()
        expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
        expect(page.locator("[data-count]")).to_have_text("0:04")
        expect(page.get_by_role("button", name="Continue")).to_be_visible()
        if arrives_within(page, held, seconds=10):
            break
    else:
        raise AssertionError(f"no leaving save reached the server in five reloads: {failures}")
    assert MassageSession.objects.get(baby=baby).progress_seq == seq_before

    # They land late, and the new page's own save is still taken: it is numbered after them.
    monkeypatch.setattr(services, "session_progress", save_progress)
    let_through.set()
    assert wait_until(page, lambda: fresh_seq(baby) == max(held))
    refused = []
    page.on(
        "response", lambda r: r.url.endswith("/progress/") and r.status == 409 and refused.append(r)
    )
    page.get_by_role("button", name="Continue").click()
    page.clock.run_for(COUNTDOWN_MS + 1000)
    expect(page.locator("[data-count]")).to_have_text("0:03")  # 2.5 s left
    page.keyboard.press("Space")  # pause: saves
    saved = MassageSession.objects.filter(
        baby=baby, current_step__stroke="Leg glide", current_elapsed__gte=3.4
    )
    assert wait_until(page, saved.exists)
    assert fresh_seq(baby) > max(held)
    assert not refused
    expect(page.locator("[data-conflict-banner]")).to_be_hidden()


def arrives_within(page, held, *, seconds):
    """Whether a held save has reached the server within `seconds` (a keepalive request from a
    page going away can take a while on a busy machine)."""
    try:
        return wait_until(page, lambda: held, seconds=seconds)
    except AssertionError:
        return False


def fresh_seq(baby):
    return MassageSession.objects.get(baby=baby).progress_seq


def test_skip_and_keyboard_shortcuts(phone, live_server, parent_and_baby, short_routine):
    page = phone
    baby = open_player(page, live_server, parent_and_baby, short_routine)
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(COUNTDOWN_MS + 500)
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    page.get_by_role("button", name="Skip").click()
    expect(page.get_by_role("heading", name="Thumb walk")).to_be_visible()
    page.keyboard.press("+")
    expect(page.locator("[data-count]")).to_have_text("0:19")
    session = MassageSession.objects.get(baby=baby)
    # The skip goes out after the save the arrow key started: wait for it.
    skipped = session.visits.filter(stroke="Leg glide", skipped=True)
    assert wait_until(page, skipped.exists)


def test_the_plain_form_player_completes_a_routine_without_javascript(
    phone_no_js, live_server, parent_and_baby, short_routine
):
    page = phone_no_js
    user, baby = parent_and_baby
    log_in(page, live_server, user)
    page.goto(f"/babies/{baby.pk}/routines/{short_routine.slug}/start/")
    answer_readiness(page)
    expect(page.get_by_role("heading", name="Ask permission")).to_be_visible()
    expect(page.get_by_role("heading", name="Leg glide")).to_be_hidden()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Thumb walk")).to_be_visible()
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("heading", name="Well done")).to_be_visible()
    session = MassageSession.objects.get(baby=baby)
    assert session.outcome == "completed"
    assert session.visits.count() == 3


def test_plus_15_survives_a_reload(phone, live_server, parent_and_baby, short_routine):
    page = phone
    baby = open_player(page, live_server, parent_and_baby, short_routine)
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(COUNTDOWN_MS + 1500)
    page.keyboard.press("Space")  # pause
    page.get_by_role("button", name="Add 15 seconds").click()
    expect(page.locator("[data-count]")).to_have_text("0:19")  # 18.5 s left
    added = MassageSession.objects.filter(baby=baby, visits__extra_seconds=15)
    assert wait_until(page, added.exists, seconds=10)

    page.reload()
    expect(page.get_by_role("heading", name="Ask permission")).to_be_visible()
    expect(page.locator("[data-count]")).to_have_text("0:19")


def test_browser_shortcuts_with_ctrl_cmd_or_alt_are_left_alone(
    phone, live_server, parent_and_baby, short_routine
):
    page = phone
    open_player(page, live_server, parent_and_baby, short_routine)
    expect(page.locator("[data-count]")).to_have_text("0:05")
    for combo in ["Control+=", "Meta+=", "Alt+=", "Control+ArrowRight", "Meta+s"]:
        page.keyboard.press(combo)
    expect(page.locator("[data-count]")).to_have_text("0:05")
    expect(page.get_by_role("heading", name="Ask permission")).to_be_visible()
    page.keyboard.press("=")
    expect(page.locator("[data-count]")).to_have_text("0:20")


def test_a_step_skipped_then_gone_back_to_and_done_is_not_skipped(
    phone, live_server, parent_and_baby, short_routine
):
    page = phone
    baby = open_player(page, live_server, parent_and_baby, short_routine)
    # The live controls, once player.js has replaced the plain form's buttons.
    page.locator(".player-live [data-action=skip]").click()
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    page.get_by_role("button", name="Previous step").click()
    expect(page.get_by_role("heading", name="Ask permission")).to_be_visible()
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(COUNTDOWN_MS + 5000 + 500)
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    done = MassageSession.objects.filter(
        baby=baby, visits__stroke="Ask permission", visits__skipped=False, visits__seconds__gte=4
    )
    assert wait_until(page, done.exists, seconds=10)


def test_a_save_refused_as_old_catches_up_and_saves(
    phone, live_server, parent_and_baby, short_routine
):
    page = phone
    baby = open_player(page, live_server, parent_and_baby, short_routine)
    session = MassageSession.objects.get(baby=baby)
    # Another tab saved on this same step meanwhile.
    MassageSession.objects.filter(pk=session.pk).update(progress_seq=7)
    page.get_by_role("button", name="Add 15 seconds").click()
    caught_up = MassageSession.objects.filter(pk=session.pk, progress_seq__gt=7)
    assert wait_until(page, caught_up.exists, seconds=10)
    assert session.visits.get(stroke="Ask permission").extra_seconds == 15
    expect(page.locator("[data-conflict-banner]")).to_be_hidden()
    expect_one_conflict(page)


def test_a_massage_ended_on_another_device_says_so(
    phone, live_server, parent_and_baby, short_routine
):
    page = phone
    baby = open_player(page, live_server, parent_and_baby, short_routine)
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(COUNTDOWN_MS + 1000)
    MassageSession.objects.get(baby=baby).finish(outcome="ended_early")
    page.keyboard.press("Space")  # pause: saves, and the server says the massage has ended
    banner = page.locator("[data-conflict-banner]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("This massage moved on or ended elsewhere.")
    banner.get_by_role("link", name="Reload").click()
    expect(page.get_by_role("heading", name="Massage ended")).to_be_visible()
    expect_one_conflict(page)


def test_logged_out_progress_is_kept_and_said_then_saved_after_logging_in(
    phone, live_server, parent_and_baby, short_routine
):
    page = phone
    user, _baby = parent_and_baby
    baby = open_player(page, live_server, parent_and_baby, short_routine)
    session = MassageSession.objects.get(baby=baby)
    # The login expired (the CSRF cookie, which lasts a year, stays).
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    page.get_by_role("button", name="Add 15 seconds").click()
    note = page.locator("[data-save-note]")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Not saved: you are logged out.")
    assert not session.visits.filter(extra_seconds=15).exists()

    log_in(page, live_server, user)
    page.clock.run_for(6000)  # the next save goes out with everything
    assert wait_until(page, session.visits.filter(extra_seconds=15).exists, seconds=10)
    expect(note).to_be_hidden()
    # The saves refused while logged out (401) are the point here.
    page.problems[:] = [p for p in page.problems if not p.startswith("401 ")]


def expect_one_conflict(page):
    """The test made the server refuse one save with a 409: that is what it is about."""
    conflicts = [p for p in page.problems if p.startswith("409 ") and p.endswith("/progress/")]
    assert len(conflicts) == 1, page.problems
    page.problems.remove(conflicts[0])


def test_end_link_and_plain_step_buttons_are_big_enough(
    phone_no_js, live_server, parent_and_baby, short_routine
):
    page = phone_no_js
    user, baby = parent_and_baby
    log_in(page, live_server, user)
    page.goto(f"/babies/{baby.pk}/routines/{short_routine.slug}/start/")
    answer_readiness(page)
    page.get_by_role("button", name="Next").click()
    for target in [
        page.get_by_role("link", name="End"),
        page.get_by_role("button", name="Previous"),
        page.get_by_role("button", name="Skip"),
        page.get_by_role("button", name="Next"),
    ]:
        assert target.bounding_box()["height"] >= 56, target


def test_landscape_phone_keeps_the_player_settings(
    browser, live_server, parent_and_baby, short_routine
):
    context, page = _open(browser, live_server, {"width": 844, "height": 390}, is_mobile=True)
    try:
        open_player(page, live_server, parent_and_baby, short_routine)
        shoot(page, "player-landscape-phone")
        for target in [
            page.get_by_role("checkbox", name="Voice"),
            page.get_by_role("checkbox", name="Hands-free"),
            page.get_by_role("slider", name="Volume"),
            page.get_by_role("button", name="Start"),
        ]:
            expect(target).to_be_visible()
            box = target.bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= 390, box
        page.get_by_role("checkbox", name="Voice").click()
        expect(page.get_by_role("checkbox", name="Voice")).not_to_be_checked()
    finally:
        _close(context, page)
    assert not page.problems, page.problems
