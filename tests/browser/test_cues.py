"""Cues in the player as a parent logs them: one thumb, an instant answer, baby-led pauses."""

import json
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from playwright.sync_api import expect

from cues.models import CueEvent
from sessions.models import MassageSession
from tests.browser.conftest import (
    IN_FLIGHT,
    _close,
    _open,
    log_in,
    outbox,
    shoot,
    stop_the_clock,
    wait_until,
)
from tests.browser.test_player import COUNTDOWN_MS, answer_readiness
from tests.factories import (
    BabyFactory,
    CueEventFactory,
    MassageSessionFactory,
    MembershipFactory,
    RoutineFactory,
    StepFactory,
)


@pytest.fixture
def routine(transactional_db):
    routine = RoutineFactory(
        slug="legs-and-feet", title="Legs and feet", summary="A short routine for tests."
    )
    for area, stroke, motion, seconds in [
        ("whole_body", "Ask permission", "hold", 20),
        ("legs", "Leg glide", "glide_toward_feet", 20),
        ("legs", "Leg squeeze", "glide_toward_feet", 5),
        ("feet", "Thumb walk", "thumb_walk", 4),
    ]:
        StepFactory(
            routine=routine,
            body_area=area,
            stroke=stroke,
            instruction=f"{stroke}, slowly.",
            motion=motion,
            seconds=seconds,
        )
    return routine


@pytest.fixture
def parent_and_baby(transactional_db):
    membership = MembershipFactory()
    return membership.user, BabyFactory(family=membership.family, name="Ada")


def start_player(page, live_server, parent_and_baby, routine, *, clock_off_by=timedelta(0)):
    user, baby = parent_and_baby
    log_in(page, live_server, user)
    stop_the_clock(page, off_by=clock_off_by)
    page.goto(f"/babies/{baby.pk}/routines/{routine.slug}/start/")
    answer_readiness(page)
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(COUNTDOWN_MS + 500)
    return baby


def synced(kind, status="stored"):
    """A batch of the outbox (POST /sync/) that the server answered, carrying a `kind` item it
    answered with `status`."""

    def match(response):
        if not (response.url.endswith("/sync/") and response.ok):
            return False
        return any(
            r.get("type") == kind and r["status"] == status for r in response.json()["results"]
        )

    return match


def tap(page, label):
    page.locator(".cue-bar").get_by_role("button", name=label, exact=True).click()


def test_cues_answer_at_once_and_two_unsettled_ones_pause_the_massage(
    phone, live_server, parent_and_baby, routine
):
    page = phone
    # A phone clock an hour slow: every save's skew is measured and taken off, so the cues keep
    # the order they were tapped in. (With the page's clock near the server's, `run_for` jumps
    # it seconds ahead in a moment of real time, and on a busy machine some saves would fall
    # under the skew the server ignores and others not.)
    baby = start_player(
        page, live_server, parent_and_baby, routine, clock_off_by=-timedelta(hours=1)
    )
    toast = page.locator("[data-cue-toast]")

    # The answer shows with the tap itself: the clock is frozen, nothing else has run.
    for name, label in [
        ("Eye contact", "Eye contact"),
        ("Smiling", "Smiling"),
        ("Cooing (babbling or cooing)", "Babbling or cooing"),
    ]:
        tap(page, name)
        expect(toast).to_be_visible()
        expect(toast).to_contain_text(label)

    # Each batch's time is the page's clock when it goes out: a batch still on its way when
    # the clock jumps would carry the later time, and the server's correction would move its
    # cues earlier. So the clock moves on only once what was tapped is stored.
    logged = CueEvent.objects.filter(session__baby=baby)
    assert wait_until(page, lambda: logged.count() == 3)
    page.clock.run_for(20_000)
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    tap(page, "Frowning (frowning or grimacing)")
    expect(toast).to_contain_text("Slow down")
    assert wait_until(page, lambda: logged.count() == 4)
    page.clock.run_for(5000)
    tap(page, "Squirming")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Squirming: time for a break")
    shoot(page, "cue-pause-phone")
    remaining = page.locator("[data-count]").inner_text()
    page.clock.run_for(5000)
    expect(page.locator("[data-count]")).to_have_text(remaining)  # the player waits

    dialog.get_by_role("button", name="Skip this body area").click()
    expect(page.get_by_role("heading", name="Thumb walk")).to_be_visible()
    page.clock.run_for(COUNTDOWN_MS + 4000 + 1000)
    page.wait_for_url("**/summary/")

    session = MassageSession.objects.get(baby=baby)
    assert session.outcome == "completed"
    cues = list(CueEvent.objects.logged().filter(session=session).order_by("at", "pk"))
    assert [c.kind for c in cues] == [
        "eye_contact",
        "smiling",
        "cooing",
        "frowning",
        "squirming",
    ]
    assert [c.body_area for c in cues] == ["whole_body"] * 3 + ["legs"] * 2
    assert cues[-1].response == "skip_area"
    assert cues[-1].recorded_by == parent_and_baby[0]
    skipped = set(session.visits.filter(skipped=True).values_list("stroke", flat=True))
    assert skipped == {"Leg glide", "Leg squeeze"}

    page.goto(f"/sessions/{session.pk}/review/")
    timeline = page.locator("svg.timeline")
    expect(timeline).to_be_visible()
    expect(timeline.locator(".tl-mark")).to_have_count(5)
    expect(timeline.locator(".tl-engage")).to_have_count(3)  # drawn above the line
    expect(timeline.locator(".tl-break")).to_have_count(2)  # and below it
    shoot(page, "cue-review-phone")


def test_each_cue_buttons_name_starts_with_the_words_on_it(
    phone, live_server, parent_and_baby, routine
):
    page = phone
    start_player(page, live_server, parent_and_baby, routine)
    buttons = page.locator(".cue-bar .cue-button")
    expect(buttons).to_have_count(8)
    for index in range(8):
        button = buttons.nth(index)
        visible = button.inner_text().strip()
        name = button.get_attribute("aria-label") or visible
        assert visible and name.startswith(visible), (visible, name)
    expect(page.get_by_role("button", name="Turns away (turning the head away)")).to_be_visible()


def test_undo_and_double_tap_leave_exactly_what_was_meant(
    phone, live_server, parent_and_baby, routine
):
    page = phone
    baby = start_player(page, live_server, parent_and_baby, routine)
    with page.expect_response(synced("cue")):
        page.locator(".cue-bar").get_by_role("button", name="Smiling").dblclick()
    with page.expect_response(synced("cue")):
        tap(page, "Eye contact")
    with page.expect_response(synced("undo")):
        page.locator("[data-cue-toast]").get_by_role("button", name="Undo").click()
    expect(page.locator("[data-cue-toast]")).to_contain_text("Cue taken back")
    session = MassageSession.objects.get(baby=baby)
    standing = CueEvent.objects.logged().filter(session=session)
    assert list(standing.values_list("kind", flat=True)) == ["smiling"]
    assert CueEvent.objects.filter(session=session).count() == 2


def test_the_other_caregivers_cues_count_towards_a_pause(
    phone, live_server, parent_and_baby, routine
):
    page = phone
    baby = start_player(page, live_server, parent_and_baby, routine)
    session = MassageSession.objects.get(baby=baby)
    # Logged a moment ago on the other caregiver's phone: this page never saw it.
    CueEventFactory(
        session=session,
        step=session.current_step or routine.steps.order_by("order").first(),
        kind="frowning",
        seconds_into_session=0,
        at=session.started_at,
    )
    with page.expect_response(synced("cue")):
        tap(page, "Squirming")
    # On its own, one unsettled cue asks to slow down; with the other phone's, the server says
    # pause, and its judgement stands.
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Squirming: time for a break")


def test_escape_closes_the_pause_as_comfort_and_the_player_waits(
    phone, live_server, parent_and_baby, routine
):
    page = phone
    baby = start_player(page, live_server, parent_and_baby, routine)
    tap(page, "Crying")
    expect(page.get_by_role("alertdialog")).to_be_visible()
    with page.expect_response(synced("response")):
        page.keyboard.press("Escape")
    expect(page.get_by_role("alertdialog")).to_be_hidden()
    remaining = page.locator("[data-count]").inner_text()
    page.clock.run_for(5000)
    expect(page.locator("[data-count]")).to_have_text(remaining)
    cue = CueEvent.objects.get(session__baby=baby)
    assert cue.response == "comfort"


def test_a_crying_baby_can_end_the_massage_as_baby_led(
    phone, live_server, parent_and_baby, routine
):
    page = phone
    baby = start_player(page, live_server, parent_and_baby, routine)
    tap(page, "Crying")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Crying: time for a break")
    dialog.get_by_role("button", name="End the massage here").click()
    page.wait_for_url("**/summary/")
    session = MassageSession.objects.get(baby=baby)
    assert session.outcome == "baby_led_end"
    assert session.end_reason == "Cried during the whole-body strokes"


def test_cues_without_javascript(phone_no_js, live_server, parent_and_baby, routine):
    page = phone_no_js
    user, baby = parent_and_baby
    log_in(page, live_server, user)
    page.goto(f"/babies/{baby.pk}/routines/{routine.slug}/start/")
    answer_readiness(page)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    tap(page, "Smiling")
    expect(page.get_by_text("Smiling:", exact=False)).to_be_visible()
    page.locator(".cue-bar summary").click()  # "More cues" opens without JavaScript too
    tap(page, "Arching the back")
    expect(page.get_by_text("Arching the back: time for a break")).to_be_visible()
    page.get_by_role("button", name="Skip this body area").click()
    expect(page.get_by_role("heading", name="Thumb walk")).to_be_visible()
    session = MassageSession.objects.get(baby=baby)
    assert list(session.cues.values_list("kind", "response")) == [
        ("smiling", ""),
        ("arching", "skip_area"),
    ]
    assert set(session.visits.filter(skipped=True).values_list("stroke", flat=True)) == {
        "Leg glide",
        "Leg squeeze",
    }


def test_cues_tapped_offline_are_saved_once_back_online(
    phone, live_server, parent_and_baby, routine
):
    page = phone
    user, _baby = parent_and_baby
    baby = start_player(page, live_server, parent_and_baby, routine)
    page.context.set_offline(True)
    tap(page, "Smiling")
    expect(page.locator("[data-cue-toast]")).to_contain_text("Smiling")
    page.clock.run_for(500)
    tap(page, "Eye contact")
    page.clock.run_for(8000)  # retries fail quietly while offline
    session = MassageSession.objects.get(baby=baby)
    assert not CueEvent.objects.filter(session=session).exists()
    # A small badge says so, and asks nothing of the parent.
    badge = page.locator("[data-outbox-badge]")
    expect(badge).to_have_text("Offline: 2 cues waiting")

    waiting = [item["kind"] for item in outbox(page, user) if item["type"] == "cue"]
    assert waiting == ["smiling", "eye_contact"]

    page.context.set_offline(False)
    with page.expect_response(lambda r: r.url.endswith("/sync/") and r.status == 200):
        page.evaluate("window.dispatchEvent(new Event('online'))")
    # Both in order, in one batch.
    wait_until(page, lambda: CueEvent.objects.filter(session=session).count() == 2)
    kinds = CueEvent.objects.filter(session=session).values_list("kind", flat=True)
    assert sorted(kinds) == ["eye_contact", "smiling"]

    # The page empties its outbox once it has read the server's answer, a moment after.
    def outbox_emptied():
        return outbox(page, user) == []

    wait_until(page, outbox_emptied)
    expect(badge).to_be_hidden()


def test_on_a_landscape_phone_the_step_cues_and_controls_all_fit(
    browser, live_server, parent_and_baby, routine
):
    context, page = _open(browser, live_server, {"width": 844, "height": 390}, is_mobile=True)
    try:
        user, baby = parent_and_baby
        log_in(page, live_server, user)
        page.goto(f"/babies/{baby.pk}/routines/{routine.slug}/start/")
        answer_readiness(page)
        # Each in view, and of a size that works: the picture big, the buttons thumb-sized.
        for target, least in [
            (page.get_by_role("heading", name="Ask permission"), 20),
            (page.locator(".player-figure:visible"), 150),
            (page.locator(".cue-bar").get_by_role("button", name="Crying"), 56),
            (page.get_by_role("button", name="Start"), 56),
        ]:
            box = target.bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= 390, box
            assert box["height"] >= least, box
    finally:
        _close(context, page)
    assert not page.problems, page.problems


def test_cues_tapped_while_logged_out_wait_and_are_saved_after_logging_in_again(
    phone, live_server, parent_and_baby, routine
):
    page = phone
    user, _baby = parent_and_baby
    baby = start_player(page, live_server, parent_and_baby, routine)
    session = MassageSession.objects.get(baby=baby)
    # The login expired (the CSRF cookie, which lasts a year, stays).
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    with page.expect_response(lambda r: r.url.endswith("/sync/") and r.status == 401):
        tap(page, "Smiling")
    toast = page.locator("[data-cue-toast]")
    page.clock.run_for(11_000)  # the cue's own answer (and its undo) first, then why it waits
    expect(toast).to_contain_text("Not saved yet: log in again to save your cues.")
    assert [item["kind"] for item in outbox(page, user) if item["type"] == "cue"] == ["smiling"]
    assert not CueEvent.objects.filter(session=session).exists()

    # Logging in again in another tab gives new cookies; back on the player, the cue goes out.
    log_in(page, live_server, user)
    other = page.context.new_page()
    other.goto("/")
    other.close()
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    assert wait_until(page, lambda: CueEvent.objects.filter(session=session).count() == 1)
    expect(toast).to_be_hidden()
    # Polled from here: the page's CSP refuses the eval that wait_for_function would need.
    assert wait_until(page, lambda: outbox(page, user) == [])
    assert CueEvent.objects.get(session=session).kind == "smiling"
    # While logged out the saves were refused with 401, as they should be.
    page.problems[:] = [p for p in page.problems if not p.startswith("401 ")]


def test_on_a_shared_phone_cues_queued_by_someone_else_wait_for_them(
    phone, live_server, parent_and_baby, routine
):
    """Cues left in the old localStorage outbox (a phone that had them before the IndexedDB one)
    are moved and go out from any page, once each, but only for the person who tapped them."""
    page = phone
    user, baby = parent_and_baby
    grandma = MembershipFactory(family=baby.family, role="caregiver").user
    session = MassageSessionFactory(baby=baby, routine=routine, started_by=user)
    step = routine.steps.get(order=2)

    def queued(person):
        cue_id = str(uuid.uuid4())
        body = {"client_id": cue_id, "kind": "smiling", "step": step.pk}
        url = f"/sessions/{session.pk}/cues/"
        key = f"gentle-hands-cues-{person.pk}-{session.pk}"
        page.evaluate(
            "([key, ops]) => localStorage.setItem(key, ops)",
            [key, json.dumps([{"type": "cue", "id": cue_id, "url": url, "body": body}])],
        )
        return key, cue_id

    log_in(page, live_server, user)
    page.goto("/today/")
    grandmas_key, grandmas_cue = queued(grandma)
    my_key, my_cue = queued(user)
    page.goto("/today/")  # any page moves and sends what is left over
    assert wait_until(page, CueEvent.objects.filter(client_id=my_cue).exists)
    assert wait_until(page, lambda: page.evaluate(f"localStorage.getItem('{my_key}')") is None)
    assert wait_until(page, lambda: outbox(page, user) == [])
    assert CueEvent.objects.get(client_id=my_cue).recorded_by == user
    # Moved once: further pages send nothing again.
    page.goto("/today/")
    page.goto("/routines/")
    IN_FLIGHT.wait_for_none()
    assert CueEvent.objects.filter(client_id=my_cue).count() == 1
    assert CueEvent.objects.filter(session=session).count() == 1
    # Grandma's cue stays on the phone, unsent, until she logs in here herself.
    assert grandmas_cue in page.evaluate(f"localStorage.getItem('{grandmas_key}')")
    assert not CueEvent.objects.filter(client_id=grandmas_cue).exists()


def overlaps(a, b):
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize(
    "viewport",
    [{"width": 390, "height": 844}, {"width": 844, "height": 390}],
    ids=["phone", "landscape"],
)
def test_the_answer_to_a_tap_never_covers_the_steps_words(
    browser, live_server, parent_and_baby, routine, viewport
):
    context, page = _open(browser, live_server, viewport, is_mobile=True)
    try:
        start_player(page, live_server, parent_and_baby, routine)
        tap(page, "Smiling")
        toast = page.locator("[data-cue-toast]")
        expect(toast).to_be_visible()
        step = page.locator("[data-step-id]:not([hidden])")
        for words in (step.locator("h1"), step.locator(".player-instruction")):
            assert not overlaps(toast.bounding_box(), words.bounding_box())
    finally:
        _close(context, page)
    assert not page.problems, page.problems


def test_paused_shows_on_the_timer_and_the_sides_are_readable(
    phone, live_server, parent_and_baby, routine
):
    page = phone
    start_player(page, live_server, parent_and_baby, routine)
    page.keyboard.press("Space")
    badge = page.locator("[data-paused-badge]")
    expect(badge).to_be_visible()
    figure = page.locator("[data-step-id]:not([hidden]) .player-figure")
    assert not overlaps(badge.bounding_box(), figure.locator("svg").bounding_box())
    assert overlaps(badge.bounding_box(), page.locator(".player-clock").bounding_box())
    for side in ("baby's right", "baby's left"):
        label = figure.locator(".player-side", has_text=side)
        expect(label).to_be_visible()
        size = label.evaluate("(node) => parseFloat(getComputedStyle(node).fontSize)")
        assert size >= 12, (side, size)


def test_more_cues_holds_the_massage_while_open_and_a_tap_outside_closes_it(
    phone, live_server, parent_and_baby, routine
):
    page = phone
    start_player(page, live_server, parent_and_baby, routine)
    count = page.locator("[data-count]")
    page.clock.run_for(1000)  # start_player ran half a second of the step already
    expect(count).to_have_text("0:19")  # 18.5 s of 20 left
    page.locator(".cue-more-toggle").click()
    panel = page.locator(".cue-more-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("The massage waits while this list is open.")
    page.clock.run_for(5000)
    expect(count).to_have_text("0:19")  # held
    expect(page.get_by_role("button", name="Resume")).to_be_visible()

    # One tap outside (here on Skip) closes the list, and only that: nothing is skipped.
    page.locator(".player-live [data-action=skip]").click()
    expect(panel).to_be_hidden()
    expect(page.get_by_role("heading", name="Ask permission")).to_be_visible()
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    page.clock.run_for(2000)
    expect(count).to_have_text("0:17")  # going again

    # A cue chosen from the list that asks for a pause keeps the massage paused.
    page.locator(".cue-more-toggle").click()
    page.locator(".cue-more-panel").get_by_role("button", name="Arching the back").click()
    expect(page.get_by_role("alertdialog")).to_be_visible()
    page.clock.run_for(3000)
    expect(count).to_have_text("0:17")
