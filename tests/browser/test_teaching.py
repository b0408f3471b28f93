"""An instructor's whole course, the instructor on a laptop and the parent on a phone: sign up,
a class, an invitation, consent, an assignment, a massage with cues, consent widened, revoked."""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from cues.models import CueEvent
from massage.models import User
from massage.services.library import library_load
from sessions.models import MassageSession
from tests.browser.conftest import LAPTOP, _close, _open, shoot, stop_the_clock, wait_until
from tests.browser.signing_up import confirm_sign_up
from tests.browser.test_player import COUNTDOWN_MS, answer_readiness
from tests.factories import PASSWORD, BabyFactory, MembershipFactory

# Newborn first touch, the routine assigned below: its nine steps take 334 seconds.
ROUTINE_SECONDS = 334


def log_in_as(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def share(parent, family, scope):
    """The parent chooses, on the family's page, what the instructor may see."""
    parent.goto(f"/families/{family.pk}/")
    parent.check(f"input[name=scope][value={scope}]")
    parent.get_by_role("button", name="Save").click()
    expect(parent.get_by_text("Saved: it applies from now on.")).to_be_visible()


def test_an_instructors_course_from_sign_up_to_a_family_that_stops_sharing(
    browser, live_server, phone, transactional_db
):
    library_load()
    membership = MembershipFactory(user__email="sam@example.com", family__name="The Rivers")
    family = membership.family
    BabyFactory(family=family, name="Ada", birth_date=timezone.localdate() - timedelta(weeks=6))
    context, laptop = _open(browser, live_server, LAPTOP)
    parent = phone
    try:
        # The instructor signs up as one, and writes the profile families see before they join.
        laptop.goto("/accounts/signup/")
        laptop.get_by_label("Your name").fill("Ines")
        laptop.get_by_label("Email").fill("ines@example.com")
        laptop.locator("#id_password1").fill("soft-blanket-2026")
        laptop.get_by_label("I teach baby massage").check()
        laptop.get_by_role("button", name="Sign up", exact=True).click()
        confirm_sign_up(laptop, "ines@example.com")
        expect(laptop.get_by_role("heading", name="Your instructor profile")).to_be_visible()
        assert User.objects.get(email="ines@example.com").is_instructor
        laptop.get_by_label("Practice name").fill("Little Hands")
        laptop.get_by_label("Credential").fill("CIMI")
        laptop.get_by_role("button", name="Save my profile").click()

        # A class, then an invitation to a family for it.
        laptop.get_by_role("link", name="Your families").click()
        laptop.get_by_role("link", name="Classes").click()
        laptop.get_by_label("Class name").fill("Tuesday mornings")
        laptop.get_by_label("First class").fill("2026-01-06")
        laptop.get_by_label("Meets every").select_option(label="Tuesday")
        laptop.get_by_role("button", name="Create the class").click()
        expect(laptop.get_by_role("heading", name="Tuesday mornings")).to_be_visible()
        laptop.get_by_role("link", name="Invite a family").click()
        laptop.get_by_label("The family's email").fill("sam@example.com")
        laptop.get_by_role("button", name="Send the invitation").click()
        expect(laptop.get_by_text("Invitation sent to sam@example.com.")).to_be_visible()
        [body] = [m.body for m in mail.outbox if "sam@example.com" in m.to]
        link = re.search(r"https?://\S+/classes/join/\S+/", body).group(0)

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

        # The instructor puts the family in the class and assigns a routine to the class.
        laptop.goto("/teaching/classes/")
        laptop.get_by_role("link", name="Tuesday mornings").click()
        laptop.get_by_label("The Rivers").check()
        laptop.get_by_role("button", name="Save the families").click()
        laptop.get_by_role("link", name="Assign a routine").click()
        laptop.get_by_label("Routine", exact=True).select_option(label="Newborn first touch")
        laptop.get_by_label("A note for the family").fill("Resting hands first.")
        laptop.get_by_role("button", name="Assign").click()
        expect(laptop.get_by_text("Assigned. The families see it on Today.")).to_be_visible()

        # The family sees it on Today, runs it in the player and logs a cue.
        parent.goto("/today/")
        assigned = parent.get_by_role("region", name="From your instructor")
        expect(assigned).to_contain_text("Resting hands first.")
        expect(assigned).to_contain_text("0 of 3 this week")
        stop_the_clock(parent)
        assigned.get_by_role("link", name="Newborn first touch").click()
        parent.get_by_role("link", name="Start with Ada").click()
        answer_readiness(parent)
        expect(parent.get_by_role("heading", name="Ask permission")).to_be_visible()
        parent.get_by_role("button", name="Start").click()
        parent.clock.run_for(COUNTDOWN_MS + 2000)
        parent.locator(".cue-bar").get_by_role("button", name="Smiling", exact=True).click()
        expect(parent.locator("[data-cue-toast]")).to_contain_text("Smiling")
        assert wait_until(parent, CueEvent.objects.filter(kind="smiling").exists)
        for _minute in range(ROUTINE_SECONDS // 60 + 1):  # hands-free to the end
            parent.clock.run_for(60_000)
        parent.wait_for_url("**/summary/")
        session = MassageSession.objects.get(baby__family=family)
        assert session.outcome == "completed"
        parent.clock.resume()
        parent.goto("/today/")
        expect(parent.get_by_role("region", name="From your instructor")).to_contain_text(
            "1 of 3 this week"
        )

        # The instructor sees the massage, but neither its cues nor a way to its review.
        laptop.goto("/teaching/")
        row = laptop.get_by_role("row", name=re.compile("The Rivers"))
        expect(row).to_contain_text("Ada")
        expect(row).to_contain_text("not shared")
        row.get_by_role("link", name="The Rivers").click()
        expect(laptop.get_by_text("This family shares: Practice only.")).to_be_visible()
        massages = laptop.get_by_role("region", name="Massages in the last eight weeks")
        expect(massages.locator(".session-row")).to_have_count(1)
        expect(massages).to_contain_text("Newborn first touch")
        expect(massages).to_contain_text("Completed")
        expect(massages.get_by_role("link")).to_have_count(0)
        expect(massages.locator(".session-row-counts")).to_have_count(0)
        expect(massages).not_to_contain_text("signs of enjoying")
        shoot(laptop, "teaching-family-practice-only-laptop")

        # The parent shares cues too: from the next request, the date opens the review.
        share(parent, family, "practice_and_cues")
        laptop.reload()
        expect(laptop.get_by_text("This family shares: Practice and cues.")).to_be_visible()
        expect(massages.locator(".count-engaging")).to_contain_text("1")
        expect(massages.locator(".count-disengaging")).to_contain_text("0")
        review_link = massages.get_by_role("link")
        expect(review_link).to_have_count(1)
        review_link.click()
        laptop.wait_for_url(f"**/teaching/families/{family.pk}/massages/{session.pk}/")
        review_url = laptop.url
        expect(laptop.locator(".cue-table")).to_contain_text("Smiling")
        expect(laptop.locator(".cue-table")).to_contain_text("Ask permission")
        shoot(laptop, "teaching-review-laptop")

        # The parent stops sharing: the next request shows the instructor nothing of the family.
        share(parent, family, "revoked")
        response = laptop.goto(review_url)
        assert response.status == 404
        expect(laptop.get_by_text("Smiling")).to_have_count(0)
        laptop.goto("/teaching/")
        expect(laptop.get_by_text("The Rivers")).to_have_count(0)
        expect(laptop.get_by_text("1 family stopped sharing with you.")).to_be_visible()
        response = laptop.goto(f"/teaching/families/{family.pk}/")
        assert response.status == 404
        parent.goto("/today/")
        expect(parent.get_by_role("region", name="From your instructor")).to_have_count(0)
    finally:
        _close(context, laptop)
    assert not laptop.problems, laptop.problems
