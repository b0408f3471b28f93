"""An instructor and a family, each on their own screen: invite, consent, assign, see, revoke."""

import re

from django.core import mail
from playwright.sync_api import expect

from massage.services.library import library_load
from tests.browser.conftest import LAPTOP, _close, _open, shoot
from tests.factories import PASSWORD, BabyFactory, InstructorFactory, MembershipFactory


def log_in_as(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_an_instructor_and_a_family_from_invitation_to_revoked_consent(
    browser, live_server, phone, transactional_db
):
    library_load()
    InstructorFactory(email="ines@example.com", display_name="Ines")
    family = MembershipFactory(user__email="sam@example.com", family__name="The Rivers")
    BabyFactory(family=family.family, name="Ada")
    context, laptop = _open(browser, live_server, LAPTOP)
    parent = phone
    try:
        # The instructor writes a profile and invites the family.
        log_in_as(laptop, "ines@example.com")
        laptop.get_by_role("navigation", name="Main").get_by_role("link", name="Teaching").click()
        laptop.get_by_role("link", name="Your profile").click()
        laptop.get_by_label("Practice name").fill("Little Hands")
        laptop.get_by_label("Credential").fill("CIMI")
        laptop.get_by_role("button", name="Save my profile").click()
        laptop.get_by_label("The family's email").fill("sam@example.com")
        laptop.get_by_role("button", name="Send the invitation").click()
        expect(laptop.get_by_text("Invitation sent to sam@example.com.")).to_be_visible()
        link = re.search(r"https?://\S+/classes/join/\S+/", mail.outbox[-1].body).group(0)

        # The parent opens the link on a phone and shares their practice only.
        log_in_as(parent, "sam@example.com")
        parent.goto(link)
        expect(parent.get_by_text("Little Hands")).to_be_visible()
        parent.check("input[name=scope][value=practice]")
        shoot(parent, "join-class-phone")
        parent.get_by_role("button", name="Join the class").click()
        expect(
            parent.get_by_text("The Rivers now shares with Ines: Practice only.")
        ).to_be_visible()

        # The instructor makes a class with the family and assigns a routine to it.
        laptop.goto("/teaching/classes/")
        laptop.get_by_label("Class name").fill("Tuesday mornings")
        laptop.get_by_label("First class").fill("2026-01-06")
        laptop.get_by_label("Meets every").select_option(label="Tuesday")
        laptop.get_by_role("button", name="Create the class").click()
        laptop.get_by_label("The Rivers").check()
        laptop.get_by_role("button", name="Save the families").click()
        laptop.get_by_role("link", name="Assign a routine").click()
        laptop.get_by_label("Routine", exact=True).select_option(label="Newborn first touch")
        laptop.get_by_label("A note for the family").fill("Resting hands first.")
        laptop.get_by_role("button", name="Assign").click()
        expect(laptop.get_by_text("Assigned. The families see it on Today.")).to_be_visible()

        # The family sees it on Today.
        parent.goto("/today/")
        assigned = parent.get_by_role("region", name="From your instructor")
        expect(assigned).to_contain_text("Newborn first touch")
        expect(assigned).to_contain_text("Resting hands first.")
        expect(assigned).to_contain_text("0 of 3 this week")

        # The dashboard shows the family, but not its cues.
        laptop.goto("/teaching/")
        row = laptop.get_by_role("row", name=re.compile("The Rivers"))
        expect(row).to_contain_text("Ada")
        expect(row).to_contain_text("not shared")

        # The parent shares cues too, then stops sharing: each counts on the next request.
        parent.goto(f"/families/{family.family_id}/")
        parent.check("input[name=scope][value=practice_and_cues]")
        parent.get_by_role("button", name="Save").click()
        expect(parent.get_by_text("Saved: it applies from now on.")).to_be_visible()
        laptop.reload()
        expect(laptop.get_by_role("row", name=re.compile("The Rivers"))).to_contain_text(
            "no cues yet"
        )
        parent.check("input[name=scope][value=revoked]")
        parent.get_by_role("button", name="Save").click()
        expect(parent.get_by_text("Saved: it applies from now on.")).to_be_visible()
        laptop.reload()
        expect(laptop.get_by_text("The Rivers")).to_have_count(0)
        expect(laptop.get_by_text("1 family stopped sharing with you.")).to_be_visible()
        parent.goto("/today/")
        expect(parent.get_by_role("region", name="From your instructor")).to_have_count(0)
    finally:
        _close(context, laptop)
    assert not laptop.problems, laptop.problems
