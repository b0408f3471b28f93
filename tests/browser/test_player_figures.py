"""The other steps' pictures reach the player from the routine's figures file, and without
JavaScript each step's page draws its own."""

import io

from PIL import Image
from playwright.sync_api import expect

from tests.browser import test_player
from tests.browser.conftest import log_in
from tests.browser.test_player import answer_readiness, open_player

parent_and_baby = test_player.parent_and_baby
short_routine = test_player.short_routine

SHOWN_PICTURE = "[data-step-id]:not([hidden]) .player-figure svg.bodymap"


def test_moving_on_shows_the_next_steps_picture_from_the_file(
    phone, live_server, parent_and_baby, short_routine
):
    page = phone
    with page.expect_response(lambda r: "/figures/" in r.url) as fetched:
        open_player(page, live_server, parent_and_baby, short_routine)
    assert fetched.value.status == 200
    steps = list(short_routine.steps.order_by("order"))
    for step in steps[1:]:
        page.get_by_role("button", name="Next step").click()
        expect(page.get_by_role("heading", name=step.stroke)).to_be_visible()
        picture = page.locator(SHOWN_PICTURE)
        expect(picture).to_have_count(1)
        expect(picture).to_be_visible()
        # Drawn with the page's outline, and the highlight of its own area.
        expect(picture.locator('use[href="#bm-body"]')).to_have_count(1)
        assert picture.bounding_box()["height"] > 100
    # Going back shows the first step's own picture, drawn with the page.
    page.get_by_role("button", name="Previous step").click()
    page.get_by_role("button", name="Previous step").click()
    expect(page.get_by_role("heading", name=steps[0].stroke)).to_be_visible()
    expect(page.locator(SHOWN_PICTURE)).to_have_count(1)


def test_without_javascript_each_step_draws_its_own_picture(
    phone_no_js, live_server, parent_and_baby, short_routine
):
    page = phone_no_js
    user, baby = parent_and_baby
    log_in(page, live_server, user)
    page.goto(f"/babies/{baby.pk}/routines/{short_routine.slug}/start/")
    answer_readiness(page)
    for step in short_routine.steps.order_by("order")[:2]:
        expect(page.get_by_role("heading", name=step.stroke)).to_be_visible()
        expect(page.locator(SHOWN_PICTURE)).to_be_visible()
        page.get_by_role("button", name="Next", exact=True).click()


def test_the_cue_icons_are_drawn_from_their_sprite(
    phone, live_server, parent_and_baby, short_routine
):
    page = phone
    with page.expect_response(lambda r: "/cues/icons/" in r.url) as fetched:
        open_player(page, live_server, parent_and_baby, short_routine)
    assert fetched.value.status == 200
    page.wait_for_load_state("load")  # the sprite, as an image, holds up the load event
    icon = page.locator('.cue-button[data-cue="smiling"] .cue-icon')
    expect(icon.locator("use")).to_have_count(1)
    # Drawn: the icon's box holds the button's colour and the strokes' colour, not one colour.
    shot = Image.open(io.BytesIO(icon.screenshot())).convert("L")
    darkest, lightest = shot.getextrema()
    assert lightest - darkest > 80, (darkest, lightest)
