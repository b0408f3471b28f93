"""The service worker in a real browser: it controls the page once it has loaded, keeps the app
shell, shows the offline page when the network is gone, takes a new deploy's files on the first
reload, and logging out forgets what the person leaving left on the phone."""

import json
import shutil
import uuid

import pytest
from django.conf import settings
from django.contrib.staticfiles import handlers
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.views.static import serve
from playwright.sync_api import expect

from cues.models import CueEvent, CueKind
from massage.views.app_shell import LANGUAGE_NOTE_URL, SHELL_CACHE_PREFIX, shell
from tests.browser.conftest import log_in, shoot, wait_until
from tests.conftest import PRODUCTION_STORAGES
from tests.factories import (
    BabyFactory,
    MassageSessionFactory,
    MembershipFactory,
    routine_with_areas,
)

CONTROLLED = "() => navigator.serviceWorker.controller !== null"
CACHE_NAMES = "async () => (await caches.keys()).sort()"
# The worker's own shells (besides them it may note whose pages it showed, and keep a person's
# player and routine pages: tests/browser/test_offline_massage.py).
SHELL_NAMES = (
    f"async () => (await caches.keys()).filter((n) => n.startsWith('{SHELL_CACHE_PREFIX}'))"
)
KEPT_PATHS = """async (name) => {
  if (!(await caches.has(name))) return null;
  const cache = await caches.open(name);
  return (await cache.keys()).map((request) => new URL(request.url).pathname);
}"""

# The page language the worker last noted is `language` (it notes it after the page is shown).
NOTED_LANGUAGE = f"""async (language) => {{
  for (const name of await caches.keys()) {{
    if (!name.startsWith('{SHELL_CACHE_PREFIX}')) continue;
    const noted = await (await caches.open(name)).match('{LANGUAGE_NOTE_URL}');
    if (noted && (await noted.text()) === language) return true;
  }}
  return false;
}}"""


@pytest.fixture
def parent(db):
    membership = MembershipFactory(user__email="sam@example.com")
    BabyFactory(family=membership.family, name="Maya")
    return membership.user


def open_controlled(page, live_server, path="/today/"):
    page.goto(path)
    # The worker installs after the page has loaded, keeps the shell, then takes the page over.
    page.wait_for_function(CONTROLLED)
    return page.evaluate(SHELL_NAMES)


def test_the_worker_controls_the_page_and_keeps_the_shell(phone, live_server, parent):
    log_in(phone, live_server, parent)
    names = open_controlled(phone, live_server)
    assert names == [SHELL_CACHE_PREFIX + shell()["version"]]
    kept = phone.evaluate(KEPT_PATHS, names[0])
    for path in [
        "/static/css/app.css",
        "/static/js/app.js",
        "/static/js/player.js",
        "/static/sound/chime.wav",
        "/static/img/icons/icon-192.png",
        "/offline/",
    ]:
        assert path in kept, path
    assert not any(path.startswith(("/today/", "/families/")) for path in kept), kept
    # Nothing of Today is kept for anyone, with no network it needs the server.
    for name in phone.evaluate(CACHE_NAMES):
        assert "/today/" not in phone.evaluate(KEPT_PATHS, name), name
    # The kept offline page was fetched without cookies: it names nobody.
    offline = phone.evaluate(
        "async (name) => (await (await caches.open(name)).match('/offline/')).text()", names[0]
    )
    assert "No connection" in offline
    assert "sam@example.com" not in offline and "data-user" not in offline


def test_with_no_network_a_page_shows_the_offline_page(phone, live_server, parent):
    log_in(phone, live_server, parent)
    open_controlled(phone, live_server)
    phone.context.set_offline(True)
    phone.goto("/routines/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("No connection just now")
    expect(phone.get_by_text("The cues you tap wait on this phone")).to_be_visible()
    # Styled from the kept copy of the stylesheet, in the app's day colours.
    background = phone.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(247, 243, 236)"
    shoot(phone, "offline-page")
    # "Try again" is the address that could not be opened; with the network back it opens.
    phone.context.set_offline(False)
    phone.get_by_role("link", name="Try again").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Routines")


def test_the_offline_page_speaks_the_language_the_person_chose(phone, live_server, parent):
    parent.language = "es"  # the browser asks for English
    parent.save(update_fields=["language"])
    log_in(phone, live_server, parent)
    open_controlled(phone, live_server)
    phone.goto("/today/")  # a page the worker sees: it notes its language
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    phone.wait_for_function(NOTED_LANGUAGE, arg="es")
    phone.context.set_offline(True)
    phone.goto("/routines/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Ahora mismo no hay conexión")
    expect(phone.locator("html")).to_have_attribute("lang", "es")

    # Back to the browser's language: the next offline page follows.
    phone.context.set_offline(False)
    parent.language = ""
    parent.save(update_fields=["language"])
    phone.goto("/today/")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.wait_for_function(NOTED_LANGUAGE, arg="en")
    phone.context.set_offline(True)
    phone.goto("/routines/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("No connection just now")


def test_pages_still_come_from_the_network_while_it_is_there(phone, live_server, parent):
    log_in(phone, live_server, parent)
    open_controlled(phone, live_server)
    BabyFactory(family=parent.families.get(), name="Leo")
    phone.reload()
    expect(phone.get_by_text("Leo").first).to_be_visible()


@pytest.fixture
def deployed(tmp_path, monkeypatch):
    """Production's hashed static names, served as WhiteNoise serves them: from STATIC_ROOT.

    Returns `deploy()`, which collects the static files again into a new STATIC_ROOT (after
    the test changed a source file) and makes the live server serve that one from now on.
    """
    source = tmp_path / "source"
    shutil.copytree(settings.BASE_DIR / "static", source)
    # The live server looks static files up by their source names; production serves the
    # collected, hashed ones.
    monkeypatch.setattr(
        handlers.StaticFilesHandlerMixin,
        "serve",
        lambda self, request: serve(
            request, self.file_path(request.path), document_root=settings.STATIC_ROOT
        ),
    )
    overrides = []

    def deploy():
        root = tmp_path / f"collected-{len(overrides)}"
        override = override_settings(
            STATIC_ROOT=root, STATICFILES_DIRS=[source], STORAGES=PRODUCTION_STORAGES
        )
        override.enable()
        overrides.append(override)
        call_command("collectstatic", interactive=False, verbosity=0)
        return json.loads((root / "staticfiles.json").read_text())["paths"]

    deploy.source = source
    yield deploy
    for override in reversed(overrides):
        override.disable()


def test_a_new_deploys_files_reach_the_phone_after_one_reload(phone, live_server, parent, deployed):
    first = deployed()
    first_version = shell()["version"]
    log_in(phone, live_server, parent)
    names = open_controlled(phone, live_server)
    assert names == [SHELL_CACHE_PREFIX + first_version]
    assert f"/static/{first['css/app.css']}" in phone.evaluate(KEPT_PATHS, names[0])

    # The next deploy changes the stylesheet: it gets a new hashed name, and the worker a new
    # version.
    with (deployed.source / "css" / "app.css").open("a") as css:
        css.write("\nbody { --deploy: second; }\n")
    second = deployed()
    second_version = shell()["version"]
    assert second["css/app.css"] != first["css/app.css"]
    assert second_version != first_version

    phone.reload()
    deploy_mark = "getComputedStyle(document.body).getPropertyValue('--deploy').trim()"
    assert phone.evaluate(deploy_mark) == "second"

    # Meanwhile the browser found the new worker: it keeps the new files, and the old copies go.
    def only_the_new_shell_is_kept():
        return phone.evaluate(SHELL_NAMES) == [SHELL_CACHE_PREFIX + second_version]

    wait_until(phone, only_the_new_shell_is_kept, seconds=15)
    kept = phone.evaluate(KEPT_PATHS, SHELL_CACHE_PREFIX + second_version)
    assert f"/static/{second['css/app.css']}" in kept
    assert f"/static/{first['css/app.css']}" not in kept


def test_logging_out_sends_then_forgets_what_the_person_leaving_left_on_the_phone(
    phone, live_server, parent
):
    session = MassageSessionFactory(
        baby=parent.families.get().babies.get(),
        routine=routine_with_areas(["legs"]),
        started_by=parent,
    )
    client_id = str(uuid.uuid4())
    waiting = {
        "type": "cue",
        "id": client_id,
        "url": reverse("cues:cue-create", args=[session.pk]),
        "body": {
            "client_id": client_id,
            "kind": CueKind.SMILING.value,
            "step": session.routine.steps.first().pk,
            "at": timezone.now().isoformat(),
        },
    }
    log_in(phone, live_server, parent)
    names = open_controlled(phone, live_server)
    mine = f"gentle-hands-cues-{parent.pk}-{session.pk}"
    theirs = f"gentle-hands-cues-{parent.pk + 1}-{session.pk}"
    # What later work keeps for a person (a page), this person's waiting cue, another's outbox.
    phone.evaluate(
        """async ([mine, theirs, waiting]) => {
          await (await caches.open("gentle-hands-pages")).put("/today/", new Response("Maya"));
          localStorage.setItem(mine, JSON.stringify([waiting]));
          localStorage.setItem(theirs, "[]");
        }""",
        [mine, theirs, waiting],
    )
    phone.get_by_role("button", name="Log out").click()
    expect(phone.get_by_role("link", name="Log in").first).to_be_visible()
    assert CueEvent.objects.filter(session=session, client_id=client_id).count() == 1
    assert phone.evaluate(CACHE_NAMES) == names  # the shell is everyone's
    assert phone.evaluate("(key) => localStorage.getItem(key)", mine) is None
    assert phone.evaluate("(key) => localStorage.getItem(key)", theirs) == "[]"
