"""The player as a parent uses it: hands-free to the end, pause, reload, and without JavaScript.

Playwright's clock drives the player's timers, so a routine of 15 seconds plays in no time.
"""

import pytest
from playwright.sync_api import expect

from massage.models import Routine, Step
from sessions.models import MassageSession
from tests.browser.conftest import log_in, shoot, wait_until
from tests.factories import BabyFactory, MembershipFactory

COUNTDOWN_MS = 3000


@pytest.fixture
def short_routine(transactional_db):
    routine = Routine.objects.create(
        slug="three-steps",
        title="Three steps",
        summary="A tiny routine for tests.",
        min_age_months=0,
        max_age_months=12,
        published=True,
    )
    Step.objects.create(
        routine=routine,
        order=1,
        body_area="whole_body",
        stroke="Ask permission",
        instruction="Show your hands.",
        motion="hold",
        seconds=5,
    )
    Step.objects.create(
        routine=routine,
        order=2,
        body_area="legs",
        stroke="Leg glide",
        instruction="Glide down the leg.",
        motion="glide_toward_feet",
        repetitions=2,
        seconds_per_repetition=3,
    )
    Step.objects.create(
        routine=routine,
        order=3,
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


def answer_readiness(page):
    for name, value in [
        ("health", "well"),
        ("vaccination", "no"),
        ("skin", "clear"),
        ("feed", "over_30"),
        ("state", "quiet_alert"),
    ]:
        page.check(f"input[name={name}][value={value}]")
    page.get_by_role("button", name="Ready").click()


def open_player(page, live_server, parent_and_baby, routine):
    user, baby = parent_and_baby
    log_in(page, live_server, user)
    page.clock.install()
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

    page.clock.run_for(COUNTDOWN_MS + 2000)
    expect(page.locator("[data-count]")).to_have_text("0:03")
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
    page.clock.run_for(COUNTDOWN_MS + 2000)
    expect(page.locator("[data-count]")).to_have_text("0:03")

    page.locator("[data-step-id]:not([hidden]) .player-figure").click()
    current = page.locator("[data-step-id]:not([hidden])")
    expect(current.get_by_text("Paused: tap to go on")).to_be_visible()
    page.clock.run_for(10_000)
    expect(page.locator("[data-count]")).to_have_text("0:03")
    expect(page.get_by_role("heading", name="Ask permission")).to_be_visible()

    page.get_by_role("button", name="Resume").click()
    page.clock.run_for(1000)
    expect(page.locator("[data-count]")).to_have_text("0:02")


def test_reload_resumes_on_the_same_step_with_the_time_left(
    phone, live_server, parent_and_baby, short_routine
):
    page = phone
    baby = open_player(page, live_server, parent_and_baby, short_routine)
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(COUNTDOWN_MS + 5000 + 2000)
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    page.keyboard.press("Space")  # pause: progress is saved at once
    expect(page.locator("[data-count]")).to_have_text("0:04")
    # The pause's save may queue behind the one the step change started: wait for it to land.
    paused_here = MassageSession.objects.filter(
        baby=baby, current_step__stroke="Leg glide", current_elapsed__gte=1.5
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
    expect(page.locator("[data-count]")).to_have_text("0:03")


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
