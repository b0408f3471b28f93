"""Installing the site on a phone: the manifest, its icons, the service worker's script and
headers, the offline page, and what logging out asks the browser to forget."""

import json
import shutil

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from massage.icons import ICONS, same_pixels
from tests.conftest import PRODUCTION_STORAGES


def worker_config(response) -> dict:
    text = response.content.decode()
    start = text.index("const CONFIG = ") + len("const CONFIG = ")
    return json.loads(text[start : text.index(";\n", start)])


def static_file(url: str):
    return finders.find(url.removeprefix(settings.STATIC_URL).removeprefix("/static/"))


# -- The manifest --------------------------------------------------------------------------------


def test_the_manifest_names_the_app_and_opens_on_today(client, db):
    response = client.get(reverse("manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert "no-cache" in response["Cache-Control"]
    manifest = json.loads(response.content)
    assert manifest["name"] == "Gentle Hands: guided baby massage"
    assert manifest["short_name"] == "Gentle Hands"
    assert manifest["description"]
    assert manifest["start_url"] == reverse("today") == "/today/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == manifest["background_color"] == "#f7f3ec"


def test_the_manifest_says_the_language_it_is_written_in(client, db):
    english = json.loads(client.get(reverse("manifest"), HTTP_ACCEPT_LANGUAGE="en").content)
    spanish = json.loads(client.get(reverse("manifest"), HTTP_ACCEPT_LANGUAGE="es").content)
    assert (english["lang"], spanish["lang"]) == ("en", "es")
    assert spanish["name"] != english["name"]
    assert spanish["short_name"] == "Gentle Hands"
    assert spanish["dir"] == "ltr"


def test_the_manifests_icons_exist_at_the_sizes_they_claim(client, db):
    icons = json.loads(client.get(reverse("manifest")).content)["icons"]
    assert {(icon["sizes"], icon["purpose"]) for icon in icons} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    for icon in icons:
        assert icon["type"] == "image/png"
        with Image.open(static_file(icon["src"])) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"], icon["src"]
            if icon["purpose"] == "maskable":
                # Cut to any shape, so no corner may be see-through.
                assert image.mode == "RGB", icon["src"]


def test_each_page_links_the_manifest_the_apple_icon_and_the_worker_script(client, db):
    html = client.get(reverse("massage:landing")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<link rel="apple-touch-icon" href="/static/img/icons/apple-touch-icon.png">' in html
    assert 'src="/static/js/offline.js" data-service-worker="/sw.js"' in html
    with Image.open(static_file("/static/img/icons/apple-touch-icon.png")) as image:
        assert image.size == (180, 180)
        assert image.mode == "RGB"


@pytest.mark.parametrize(
    ("theme", "tags"),
    [
        (
            "system",
            [
                '<meta name="theme-color" content="#f7f3ec" media="(prefers-color-scheme: light)">',
                '<meta name="theme-color" content="#17171d" media="(prefers-color-scheme: dark)">',
            ],
        ),
        ("light", ['<meta name="theme-color" content="#f7f3ec">']),
        ("dark", ['<meta name="theme-color" content="#17171d">']),
    ],
)
def test_the_phones_bar_takes_the_day_or_night_colour(client, db, theme, tags):
    client.cookies["theme"] = theme
    html = client.get(reverse("massage:landing")).content.decode()
    assert html.count('name="theme-color"') == len(tags)
    for tag in tags:
        assert tag in html


def test_make_icons_draws_exactly_the_committed_icons(tmp_path):
    call_command("make_icons", out=tmp_path)
    for icon in ICONS:
        committed = settings.BASE_DIR / "static" / icon.path
        with Image.open(tmp_path / icon.name) as drawn, Image.open(committed) as kept:
            assert drawn.size == (icon.size, icon.size)
            assert same_pixels(drawn, kept), f"{icon.path}: run `manage.py make_icons`"


def test_make_icons_leaves_right_icons_alone(tmp_path, capsys):
    call_command("make_icons", out=tmp_path)
    before = {icon.name: (tmp_path / icon.name).stat().st_mtime_ns for icon in ICONS}
    call_command("make_icons", out=tmp_path)
    assert "0 written, 5 up to date" in capsys.readouterr().out
    assert before == {icon.name: (tmp_path / icon.name).stat().st_mtime_ns for icon in ICONS}


# -- The service worker --------------------------------------------------------------------------


def test_the_worker_is_served_from_the_root_and_asked_for_again_each_time(client, db):
    response = client.get(reverse("service-worker"))
    assert reverse("service-worker") == "/sw.js"
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    # Its scope is the folder it is served from, the whole site: no wider scope to allow.
    assert "Service-Worker-Allowed" not in response


def test_for_a_logged_in_person_the_worker_is_not_stored_either(client, parent):
    client.force_login(parent)
    response = client.get(reverse("service-worker"))
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store"} <= directives


def test_the_worker_keeps_the_app_shell(client, db):
    config = worker_config(client.get(reverse("service-worker")))
    for url in [
        "/static/css/app.css",
        "/static/css/player.css",
        "/static/js/app.js",
        "/static/js/player.js",
        "/static/js/lib/server.js",
        "/static/js/offline.js",
        "/static/sound/chime.wav",
        "/static/img/icons/icon-512.png",
        "/static/django_htmx/htmx-2.min.js",
        "/offline/",
    ]:
        assert url in config["shell"], url
    assert config["offline"] == "/offline/"
    assert config["offlineIn"] == {"en": "/offline/?language=en", "es": "/offline/?language=es"}
    assert config["hashed"] is False  # the tests' storage, as in development
    assert config["cachePrefix"] == "gentle-hands-shell-"
    # Nothing anyone's own: no page but the offline one, in the browser's and each language.
    assert [url for url in config["shell"] if not url.startswith("/static/")] == [
        "/offline/",
        "/offline/?language=en",
        "/offline/?language=es",
    ]


def test_without_hashed_names_a_changed_file_changes_the_version(client, db, tmp_path):
    source = tmp_path / "static"
    shutil.copytree(settings.BASE_DIR / "static", source)
    with override_settings(STATICFILES_DIRS=[source]):
        before = worker_config(client.get(reverse("service-worker")))
        assert worker_config(client.get(reverse("service-worker"))) == before
        with (source / "js" / "player.js").open("a") as script:
            script.write("\n// a fix\n")
        after = worker_config(client.get(reverse("service-worker")))
    assert after["version"] != before["version"]
    assert after["shell"] == before["shell"]


@pytest.fixture
def production_static(collected):
    """The collected files served with the production storage for the test's length."""
    root, manifest = collected
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES):
        yield manifest


def test_in_production_the_worker_keeps_the_hashed_names(client, db, production_static):
    config = worker_config(client.get(reverse("service-worker")))
    assert config["hashed"] is True
    assert f"/static/{production_static['css/app.css']}" in config["shell"]
    assert f"/static/{production_static['js/offline.js']}" in config["shell"]
    assert "/static/css/app.css" not in config["shell"]
    manifest = json.loads(client.get(reverse("manifest")).content)
    assert f"/static/{production_static['img/icons/icon-512.png']}" in [
        i["src"] for i in manifest["icons"]
    ]


# -- The offline page ------------------------------------------------------------------------------


def test_the_offline_page_says_what_still_works_and_names_nobody(client, parent):
    anonymous = client.get(reverse("offline"))
    assert anonymous.status_code == 200
    text = anonymous.content.decode()
    assert "No connection just now" in text
    assert "The cues you tap wait on this phone" in text
    assert "csrfmiddlewaretoken" not in text and "X-CSRFToken" not in text
    client.force_login(parent)
    assert client.get(reverse("offline")).content == anonymous.content


def test_the_offline_page_in_each_language_whatever_the_browser_asks(client, db):
    url = reverse("offline")
    spanish = client.get(url, {"language": "es"}, HTTP_ACCEPT_LANGUAGE="en")
    assert spanish.status_code == 200
    assert spanish["Content-Language"] == "es"
    text = spanish.content.decode()
    assert '<html lang="es"' in text and "No connection just now" not in text
    english = client.get(url, {"language": "en"}, HTTP_ACCEPT_LANGUAGE="es")
    assert english["Content-Language"] == "en"
    assert "No connection just now" in english.content.decode()
    # The browser's language without one.
    assert '<html lang="es"' in client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()


@pytest.mark.parametrize("language", ["", "xx", "es-mx", "<b>"])
def test_an_offline_page_in_no_language_of_the_site_is_not_found(client, db, language):
    response = client.get(reverse("offline"), {"language": language})
    assert response.status_code == 404


# -- Logging out -----------------------------------------------------------------------------------


def test_logging_out_asks_the_browser_to_forget_its_cache_of_the_site(client, parent):
    client.force_login(parent)
    assert "Clear-Site-Data" not in client.get(reverse("account_logout"))
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache"'
    assert "_auth_user_id" not in client.session
