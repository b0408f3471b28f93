"""The site's scripts are ES modules, loaded from 'self' under its strict Content-Security-Policy.

The player's page loads player.js and cues.js, which import the timer, the rules and the server
helpers; every page loads app.js. In production the imports are rewritten to the hashed file
names when the static files are collected (tests/test_static_modules.py), so no inline import
map is needed. Nothing may be refused, and the scripts share nothing through `window`.
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from massage.models import Routine, Step
from tests.browser.conftest import log_in, stop_the_clock
from tests.browser.test_player import answer_readiness
from tests.factories import BabyFactory, MembershipFactory

# Every refusal the CSP makes, written down before any of the page's own scripts run.
VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""

MODULES = [
    "js/app.js",
    "js/player.js",
    "js/cues.js",
    "js/player/timer.js",
    "js/cues/rules.js",
    "js/lib/server.js",
    "js/lib/outbox.js",
    "js/vendor/idb-keyval.js",
]


@pytest.fixture
def routine(transactional_db):
    routine = Routine.objects.create(
        slug="one-step",
        title="One step",
        summary="A routine of one step.",
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
    return routine


def record_scripts(page):
    """The path of every script the page gets from the server, as it gets it."""
    scripts = []
    page.on(
        "requestfinished",
        lambda request: (
            request.resource_type == "script" and scripts.append(urlsplit(request.url).path)
        ),
    )
    return scripts


def test_the_players_modules_load_under_the_csp_and_share_nothing_on_window(
    phone, live_server, routine
):
    page = phone
    membership = MembershipFactory()
    baby = BabyFactory(family=membership.family, name="Ada")
    page.add_init_script(script=VIOLATIONS)
    log_in(page, live_server, membership.user)
    stop_the_clock(page)
    page.goto(f"/babies/{baby.pk}/routines/{routine.slug}/start/")
    answer_readiness(page)
    expect(page.get_by_role("heading", name="Ask permission")).to_be_visible()

    scripts = record_scripts(page)
    response = page.reload()
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp, csp
    # No inline script: what the page carries without a src is data (the player's, the rules').
    expect(page.locator("script:not([src]):not([type='application/json'])")).to_have_count(0)
    expect(page.locator("script[type=importmap]")).to_have_count(0)

    # The modules ran: the live controls replaced the plain form, and a tap starts the timer.
    expect(page.get_by_role("button", name="Start")).to_be_visible()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Get ready…")).to_be_visible()
    page.clock.run_for(3000 + 1500)
    expect(page.locator("[data-count]")).to_have_text("0:04")  # 3.5 s left
    for module in MODULES:
        assert f"/static/{module}" in scripts, scripts

    assert page.evaluate("window.__violations") == []
    shared = page.evaluate(
        "(() => { const player = document.querySelector('[data-player]');"
        " return [window.gentleHands, player.cueFlush, player.saveProgress]"
        ".map((thing) => typeof thing); })()"
    )
    assert shared == ["undefined", "undefined", "undefined"]


def test_app_js_runs_as_a_module_on_a_page_before_logging_in(phone, live_server, transactional_db):
    page = phone
    page.add_init_script(script=VIOLATIONS)
    scripts = record_scripts(page)
    page.goto("/accounts/login/")
    expect(page.locator("script[type=module][src$='js/app.js']")).to_have_count(1)
    # app.js sets the time zone cookie.
    page.wait_for_function("document.cookie.includes('tz=')")
    assert "/static/js/lib/server.js" in scripts, scripts
    assert page.evaluate("window.__violations") == []
