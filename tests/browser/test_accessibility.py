"""The main pages, checked by axe-core (the engine behind browsers' accessibility audits).

Every page a parent meets on the way through a massage, in English and in Spanish (the browser
asks for it), by day and by night, at phone size: no serious or critical problem (contrast,
names of buttons and fields, landmarks, ARIA misuse, a missing or wrong `lang`). Each page is
loaded once per language and checked in both colour schemes: switching the emulated scheme
repaints it without a second load, which keeps the eight checks of every page quick.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from cues.models import CueEvent
from massage.models import Routine
from sessions.models import Outcome
from tests.browser.conftest import PHONE, _close, _open, log_in
from tests.factories import BabyFactory, MassageSessionFactory, MembershipFactory


@pytest.fixture
def family_pages(transactional_db):
    """A family with one finished massage (with cues) and one under way; the pages to check."""
    call_command("load_library", verbosity=0)
    membership = MembershipFactory()
    baby = BabyFactory(family=membership.family, name="Ada")
    routine = Routine.objects.get(slug="tummy-comfort")
    done = MassageSessionFactory(baby=baby, routine=routine)
    first_steps = routine.steps.order_by("order")[:3]
    for step, kind in zip(first_steps, ["smiling", "frowning", "crying"], strict=True):
        CueEvent.on_step(done, step, kind, done.started_at).save()
    done.finish(outcome=Outcome.BABY_LED_END, reason="Crying during tummy")
    running = MassageSessionFactory(baby=baby, routine=routine)
    pages = [
        "/",
        "/today/",
        "/routines/",
        f"/routines/{routine.slug}/",
        f"/babies/{baby.pk}/routines/{routine.slug}/start/",
        f"/sessions/{running.pk}/",
        f"/sessions/{done.pk}/summary/",
        f"/sessions/{done.pk}/review/",
        f"/babies/{baby.pk}/history/",
        f"/babies/{baby.pk}/report/",
        f"/families/{membership.family.pk}/",
        f"/families/{membership.family.pk}/invitations/new/",
        f"/babies/{baby.pk}/edit/",
        f"/sessions/{running.pk}/finish/",
        f"/routines/{routine.slug}/print/",
        "/account/",
        "/account/delete/",
    ]
    return membership.user, pages


SCHEMES = ["light", "dark"]
# What the phone's browser asks for (Accept-Language): nothing else chooses the language here.
LOCALES = {"en": "en-GB", "es": "es-ES"}


def problems_on(page, axe):
    """What axe finds on the page as it is, in each colour scheme."""
    language = page.evaluate("document.documentElement.lang")
    found = []
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") is (
            scheme == "dark"
        )
        results = axe.run(page)
        found += [
            f"{page.url} ({language}, {scheme}) [{v['impact']}] {v['id']}: {v['help']} — "
            + "; ".join(node["target"][0] for node in v["nodes"][:3])
            for v in results.response["violations"]
        ]
    return found


def open_phone(browser, live_server, language):
    context, page = _open(browser, live_server, PHONE, is_mobile=True, locale=LOCALES[language])
    return context, page


def goto(page, url, language):
    page.goto(url)
    assert page.evaluate("document.documentElement.lang") == language, url


@pytest.mark.parametrize("language", LOCALES)
def test_main_pages_have_no_accessibility_violations(browser, live_server, family_pages, language):
    user, urls = family_pages
    context, page = open_phone(browser, live_server, language)
    axe = Axe()
    found = []
    try:
        log_in(page, live_server, user)
        for url in urls:
            goto(page, url, language)
            found += problems_on(page, axe)
    finally:
        _close(context, page)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", LOCALES)
def test_pages_before_logging_in_have_no_accessibility_violations(
    browser, live_server, transactional_db, language
):
    context, page = open_phone(browser, live_server, language)
    axe = Axe()
    found = []
    try:
        for url in ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
            goto(page, url, language)
            found += problems_on(page, axe)
        goto(page, "/accounts/login/", language)
        page.locator("form button[type=submit]").first.click()  # an empty form: its errors too
        expect(page.locator(".errorlist").first).to_be_visible()
        found += problems_on(page, axe)
    finally:
        _close(context, page)
    assert not found, "\n".join(found)
