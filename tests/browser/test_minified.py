"""The site's styles and scripts as production serves them: minified as collectstatic collects
them (massage/storage.py). Every script still parses and finds the modules it imports, every
stylesheet keeps every rule and declaration, and the player works on them."""

import mimetypes
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import handlers
from django.test import override_settings
from django.views.static import serve
from playwright.sync_api import expect

from cues.models import CueEvent
from tests.browser.conftest import wait_until
from tests.browser.test_cues import start_player, tap
from tests.conftest import PRODUCTION_STORAGES
from tests.factories import BabyFactory, MembershipFactory, RoutineFactory, StepFactory

SOURCE = Path(settings.BASE_DIR) / "static"
ORIGIN = "http://static.test"

# What import() of a module gives: "" when it loaded, else the error's name and message.
IMPORT = """async (url) => {
  try { await import(url); return ""; } catch (error) { return `${error.name}: ${error.message}`; }
}"""
# Every rule of a stylesheet, nested ones too, as the browser understood it: what kind, which
# selector, media condition or keyframe, and its declarations, each as the browser writes it
# (which, for a value with var() or env() in it, keeps the spaces as written beside its commas
# and brackets: those go).
RULES = """(text) => {
  const declarations = (style) => style ? style.cssText.replace(/\\s*([,()])\\s*/g, "$1") : "";
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(text);
  const rules = [];
  const walk = (list, depth) => {
    for (const rule of list) {
      const head = rule.selectorText ?? rule.conditionText ?? rule.keyText ?? rule.name ?? "";
      rules.push([depth, rule.constructor.name, head, declarations(rule.style)]);
      if (rule.cssRules) walk(rule.cssRules, depth + 1);
    }
  };
  walk(sheet.cssRules, 0);
  return rules;
}"""


def own(suffix):
    return sorted(str(p.relative_to(SOURCE)) for p in SOURCE.rglob(f"*{suffix}"))


@pytest.fixture
def blank(browser, collected):
    """A blank page on its own origin, with the collected files under /static/ and the sources
    under /source/."""
    root, _ = collected

    def answer(route):
        path = urlsplit(route.request.url).path
        if path == "/":
            route.fulfill(body="<!doctype html><title>Blank</title>", content_type="text/html")
            return
        folder, _, name = path.lstrip("/").partition("/")
        file = {"static": root, "source": SOURCE}.get(folder, root / "missing") / name
        if file.is_file():
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            route.fulfill(body=file.read_bytes(), content_type=kind)
        else:
            route.fulfill(status=404, body="")

    context = browser.new_context()
    context.set_default_timeout(10_000)
    context.route(f"{ORIGIN}/**", answer)
    page = context.new_page()
    page.goto(f"{ORIGIN}/")
    yield page
    context.close()


def test_every_minified_script_parses_and_finds_its_imports(blank, collected):
    root, manifest = collected
    scripts = own(".js")
    assert {"js/player.js", "js/cues.js", "js/lib/outbox.js", "js/vendor/idb-keyval.js"} <= set(
        scripts
    )
    for name in scripts:
        served = (root / manifest[name]).read_text()
        assert len(served) < len((SOURCE / name).read_text()), f"{name} was not minified"
        # A module's own code runs too, on a page without the elements it looks for: it must not
        # fail where its source does not (a renamed variable, a lost statement, a bad import).
        assert blank.evaluate(IMPORT, f"/static/{manifest[name]}") == blank.evaluate(
            IMPORT, f"/source/{name}"
        ), name


def test_every_minified_stylesheet_keeps_every_rule(blank, collected):
    root, manifest = collected
    sheets = own(".css")
    assert {"css/app.css", "css/player.css"} <= set(sheets)
    for name in sheets:
        served = (root / manifest[name]).read_text()
        written = (SOURCE / name).read_text()
        assert len(served) < len(written), f"{name} was not minified"
        rules = blank.evaluate(RULES, written)
        assert rules, name
        assert blank.evaluate(RULES, served) == rules, name


@pytest.fixture
def deployed(collected, monkeypatch):
    """The live server serving the collected files, as WhiteNoise serves them in production."""
    root, manifest = collected
    monkeypatch.setattr(
        handlers.StaticFilesHandlerMixin,
        "serve",
        lambda self, request: serve(
            request, self.file_path(request.path), document_root=settings.STATIC_ROOT
        ),
    )
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES):
        yield manifest


@pytest.fixture
def parent_and_baby(transactional_db):
    membership = MembershipFactory()
    return membership.user, BabyFactory(family=membership.family, name="Ada")


@pytest.fixture
def routine(transactional_db):
    routine = RoutineFactory(slug="two-steps", title="Two steps", summary="For tests.")
    for area, stroke, seconds in [("whole_body", "Ask permission", 20), ("legs", "Leg glide", 20)]:
        StepFactory(
            routine=routine,
            body_area=area,
            stroke=stroke,
            instruction=f"{stroke}, slowly.",
            motion="hold",
            seconds=seconds,
        )
    return routine


def test_the_player_runs_on_the_minified_files(
    phone, live_server, deployed, parent_and_baby, routine
):
    loaded = []
    phone.on("request", lambda request: loaded.append(urlsplit(request.url).path))
    baby = start_player(
        phone, live_server, parent_and_baby, routine, clock_off_by=-timedelta(hours=1)
    )
    for name in ("js/player.js", "js/player/timer.js", "js/cues.js", "css/player.css"):
        assert f"/static/{deployed[name]}" in loaded, name
    tap(phone, "Smiling")
    expect(phone.locator("[data-cue-toast]")).to_contain_text("Smiling")
    assert wait_until(phone, lambda: CueEvent.objects.filter(session__baby=baby).count() == 1)
    phone.clock.run_for(20_000)
    expect(phone.get_by_role("heading", name="Leg glide")).to_be_visible()
