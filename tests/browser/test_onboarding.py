from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from massage.models import Baby, Membership
from tests.browser.conftest import shoot
from tests.browser.signing_up import confirm_sign_up


def test_new_parent_signs_up_creates_family_adds_baby_and_sees_today(phone, transactional_db):
    page = phone
    page.goto("/")
    page.get_by_role("link", name="Start free").click()

    page.get_by_label("Your name").fill("Amara")
    page.get_by_label("Email").fill("amara@example.com")
    page.locator("#id_password1").fill("soft-blanket-2026")
    # "Show" reveals what was typed, and hides it again.
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#id_password1")).to_have_attribute("type", "text")
    page.get_by_role("button", name="Hide").click()
    expect(page.locator("#id_password1")).to_have_attribute("type", "password")
    page.get_by_role("button", name="Sign up", exact=True).click()
    confirm_sign_up(page, "amara@example.com")

    expect(page.get_by_role("heading", name="Create your family")).to_be_visible()
    page.get_by_label("What should we call your family?").fill("The Mensahs")
    page.get_by_role("button", name="Create family").click()

    expect(page.get_by_role("heading", name="Add a baby")).to_be_visible()
    page.get_by_label("Baby's name").fill("Kofi")
    born = timezone.localdate() - timedelta(weeks=9)
    page.get_by_label("Birth date").fill(born.isoformat())
    page.get_by_role("button", name="Add baby").click()

    expect(page.get_by_role("heading", name="Hello, Amara")).to_be_visible()
    expect(page.get_by_role("heading", name="Kofi")).to_be_visible()
    expect(page.get_by_text("9 weeks")).to_be_visible()
    shoot(page, "today-phone")

    membership = Membership.objects.get(user__email="amara@example.com")
    assert membership.role == "parent"
    assert Baby.objects.get(family=membership.family).name == "Kofi"


def test_bad_birth_date_shows_a_clear_message(phone, transactional_db):
    page = phone
    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill("Lee")
    page.get_by_label("Email").fill("lee@example.com")
    page.locator("#id_password1").fill("soft-blanket-2026")
    page.get_by_role("button", name="Sign up", exact=True).click()
    confirm_sign_up(page, "lee@example.com")
    page.get_by_label("What should we call your family?").fill("The Lees")
    page.get_by_role("button", name="Create family").click()
    page.get_by_label("Baby's name").fill("Min")
    page.get_by_label("Birth date").fill((timezone.localdate() + timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Add baby").click()
    expect(page.get_by_text("The birth date can't be in the future.")).to_be_visible()
    assert not Baby.objects.exists()
