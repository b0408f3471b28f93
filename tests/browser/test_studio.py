import re

from playwright.sync_api import expect

from massage.models import Routine
from massage.services.library import library_load
from tests.browser.conftest import shoot
from tests.factories import PASSWORD, InstructorFactory


def test_instructor_adapts_a_library_routine_on_a_phone(phone, transactional_db):
    library_load()
    instructor = InstructorFactory(email="ines@example.com", display_name="Ines")
    page = phone

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("ines@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Teaching").click()
    expect(page.get_by_role("heading", name="Your families")).to_be_visible()
    page.get_by_role("link", name="Studio").click()
    expect(page.get_by_role("heading", name="Your routines")).to_be_visible()
    expect(page.get_by_text("No routines yet.")).to_be_visible()
    library_item = page.get_by_role("listitem").filter(
        has=page.get_by_role("link", name="Newborn first touch", exact=True)
    )
    library_item.get_by_role("button", name="Duplicate").click()

    expect(page.get_by_role("heading", name="Newborn first touch", level=1)).to_be_visible()
    expect(page.get_by_text("This is your own copy of “Newborn first touch”")).to_be_visible()
    copy = Routine.objects.get(author=instructor)
    steps = page.locator("#steps li")
    expect(steps.nth(1)).to_contain_text("2. Resting hands")
    expect(steps.nth(2)).to_contain_text("3. Leg glide")

    page.get_by_role("button", name="Move “Leg glide” up").click()

    expect(steps.nth(1)).to_contain_text("2. Leg glide")
    expect(steps.nth(2)).to_contain_text("3. Resting hands")
    move_up = page.get_by_role("button", name="Move “Leg glide” up")
    expect(move_up).to_be_enabled()
    # The list was replaced: focus is back on the button pressed, and the move is announced.
    expect(move_up).to_be_focused()
    expect(page.locator("#steps-status")).to_have_text("“Leg glide” moved to position 2.")
    shoot(page, "studio-step-moved-phone")
    assert list(copy.steps.order_by("order").values_list("stroke", flat=True)[:4]) == [
        "Ask permission",
        "Leg glide",
        "Resting hands",
        "Thumb walk",
    ]

    # Keyboard only: once the step reaches the top, "up" is disabled, so focus goes to "down".
    page.keyboard.press("Enter")
    expect(steps.nth(0)).to_contain_text("1. Leg glide")
    expect(page.get_by_role("button", name="Move “Leg glide” down")).to_be_focused()
    expect(page.locator("#steps-status")).to_have_text("“Leg glide” moved to position 1.")
    page.get_by_role("button", name="Move “Leg glide” down").press("Enter")
    expect(steps.nth(1)).to_contain_text("2. Leg glide")
    expect(page.get_by_role("button", name="Move “Leg glide” down")).to_be_focused()
    expect(page.locator("#steps-status")).to_have_text("“Leg glide” moved to position 2.")

    source = Routine.objects.get(slug="newborn-first-touch")
    assert source.steps.get(order=3).stroke == "Leg glide"  # the library is untouched

    page.get_by_role("link", name="Preview").click()
    expect(page.get_by_text("Preview: this is how parents see the routine.")).to_be_visible()
    headings = page.locator(".step-item h3")
    expect(headings.nth(0)).to_contain_text("Ask permission")
    expect(headings.nth(1)).to_contain_text("Leg glide")
    expect(headings.nth(2)).to_contain_text("Resting hands")
    expect(page).to_have_url(re.compile(rf"/studio/routines/{copy.pk}/preview/$"))
    shoot(page, "studio-preview-phone")
