"""Habits every URL of the site keeps, checked by walking the URL resolver.

- Every answer to a logged-in user is `Cache-Control: no-store`: on a shared family phone, Back
  after logging out must not show the last family's pages.
- Every HTML answer varies on `HX-Request`, since an htmx request may get a fragment at the
  address of the whole page.
- Every view declares the methods it answers (`require_safe`, `require_POST`,
  `require_http_methods`, or a class-based view's handlers): anything else is a 405.
- Every answer carries the security headers (Permissions-Policy, CSP, and the others), logged in
  or not.
- Every id in a URL uses the bounded `id` converter: an id too big for the database is a 404.

The arguments of each URL come from the permission matrices (tests/test_permissions.py and
tests/cues/test_permissions.py), so a URL gets its row there once and is checked here too.
django-allauth's URLs (under accounts/) and the admin are left out of the walk: their views and
arguments are those packages' own (allauth's are class-based views, which answer 405 to any method
they have no handler for). A few account pages are checked for no-store below all the same.
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from tests import test_permissions as matrix
from tests.cues import test_permissions as cue_matrix
from tests.cues.test_permissions import objects as cue_objects  # noqa: F401 (a fixture)
from tests.test_permissions import objects, session_objects, studio_objects  # noqa: F401

# Outside accounts/ and admin/, for the reasons in the module's docstring.
LEFT_OUT = ("admin/", "accounts/")


def _walk(resolvers, prefix="", namespace=""):
    """(url name, route, pattern) for every named URL outside LEFT_OUT."""
    for entry in resolvers:
        route = prefix + str(entry.pattern)
        if route.startswith(LEFT_OUT):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", route, entry.pattern


def project_url_names() -> list[str]:
    return sorted({name for name, _route, _pattern in _walk(get_resolver().url_patterns)})


def _no_args(o):
    return []


# url name → (the fixture holding its objects, its arguments from them, who asks for it)
ROWS = {}
for name, args, *_rest in matrix.ROUTES:
    ROWS.setdefault(name, ("objects", args, "parent"))
for name, args, _method in matrix.PUBLIC:
    ROWS.setdefault(name, ("objects", args, "parent"))
for name in matrix.LOGIN_ONLY:
    ROWS.setdefault(name, ("objects", _no_args, "parent"))
for name, args in matrix.TOKEN_PAGES:
    ROWS.setdefault(name, ("objects", args, "parent"))
for name, args, *_rest in matrix.SESSION_ROUTES:
    ROWS.setdefault(name, ("session_objects", args, "parent"))
for name, args, *_rest in matrix.STUDIO_ROUTES:
    ROWS.setdefault(name, ("studio_objects", args, "author"))
for name, _method, _status in matrix.STUDIO_PAGES:
    ROWS.setdefault(name, ("studio_objects", _no_args, "author"))
for name, args, _least in [*cue_matrix.INSTRUCTOR_FAMILY_PAGES, *cue_matrix.INSTRUCTOR_NOTES]:
    ROWS.setdefault(name, ("objects", args, "instructor"))
for name in cue_matrix.INSTRUCTOR_PAGES:
    ROWS.setdefault(name, ("studio_objects", _no_args, "author"))
for name, args, *_rest in cue_matrix.CUE_ROUTES:
    ROWS.setdefault(name, ("cue_objects", args, "parent"))
for name, _body in matrix.BATCH_ROUTES:
    ROWS.setdefault(name, ("session_objects", _no_args, "parent"))
# Uploaded media holds no family data, so the matrices have no row for it.
ROWS["media"] = ("objects", lambda o: ["routines/1/missing.webp"], "parent")

URL_NAMES = project_url_names()


def _url_and_user(request, name):
    if name not in ROWS:
        pytest.fail(f"{name} has no row: add it to the matrix in tests/test_permissions.py")
    fixture, args, asker = ROWS[name]
    found = request.getfixturevalue(fixture)
    if asker == "author":
        user = found["author"]
    elif asker == "instructor":
        user = found["link"].instructor  # the family's instructor, who sees its page
    else:
        user = request.getfixturevalue("parent")
    return reverse(name, args=args(found)), user


def test_the_walk_finds_every_app():
    assert {"today", "media"} <= set(URL_NAMES)
    for namespace in ("massage", "sessions", "cues"):
        assert any(name.startswith(f"{namespace}:") for name in URL_NAMES)


@pytest.mark.parametrize("name", URL_NAMES)
def test_every_url_has_a_row(name):
    assert name in ROWS, f"{name} has no row: add it to the matrix in tests/test_permissions.py"


@pytest.mark.parametrize("name", URL_NAMES)
def test_a_logged_in_users_answers_are_never_stored(client, request, name):
    url, user = _url_and_user(request, name)
    client.force_login(user)
    response = client.get(url)
    assert "no-store" in response.get("Cache-Control", ""), (url, response.status_code)
    if response.get("Content-Type", "").startswith("text/html"):
        assert "HX-Request" in response.get("Vary", ""), url


@pytest.mark.parametrize("name", URL_NAMES)
@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_every_view_declares_its_methods(client, request, name, method):
    url, user = _url_and_user(request, name)
    client.force_login(user)
    response = getattr(client, method)(url)
    assert response.status_code == 405, f"{method.upper()} {url}: {response.status_code}"
    assert response["Allow"]


@pytest.mark.parametrize(
    "name", ["account_login", "account_change_password", "account_email", "account_logout"]
)
def test_account_pages_are_not_stored_for_a_logged_in_user(client, parent, name):
    client.force_login(parent)
    response = client.get(reverse(name))
    assert "no-store" in response["Cache-Control"]


def test_pages_for_visitors_who_are_not_logged_in_may_be_kept(client, db):
    response = client.get(reverse("massage:routine-list"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "HX-Request" in response["Vary"]


def test_logging_out_answers_with_no_store_on_the_next_pages(client, parent):
    """After logging out, Back re-asks the server, which sends the visitor to log in."""
    client.force_login(parent)
    today = reverse("today")
    assert "no-store" in client.get(today)["Cache-Control"]
    client.post(reverse("account_logout"))
    response = client.get(today)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_uploaded_media_keeps_its_long_public_cache_for_a_logged_in_user(
    client, parent, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.SERVE_MEDIA = True
    (tmp_path / "routines" / "1").mkdir(parents=True)
    (tmp_path / "routines" / "1" / "abc123-photo.webp").write_bytes(b"RIFF\x00\x00\x00\x00WEBP")
    client.force_login(parent)
    response = client.get("/media/routines/1/abc123-photo.webp")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_the_exports_keep_never_cache(client, parent, family):
    client.force_login(parent)
    response = client.get(reverse("cues:export-json", args=[family.pk]))
    assert response.status_code == 200
    for directive in ("no-store", "no-cache", "private", "max-age=0"):
        assert directive in response["Cache-Control"]


# -- Security headers --------------------------------------------------------------------------

# What the app uses (the player keeps the screen awake and plays a chime; "copy the link" and
# "share" on invitations), and nothing else.
PERMISSIONS_ALLOWED = {"screen-wake-lock", "autoplay", "clipboard-write", "web-share"}
PERMISSIONS_DENIED = {"camera", "microphone", "geolocation", "payment", "usb"}


def _permissions(response):
    header = response.get("Permissions-Policy", "")
    return dict(item.strip().split("=", 1) for item in header.split(",") if item.strip())


def assert_security_headers(response, url):
    policy = _permissions(response)
    assert policy, f"{url} has no Permissions-Policy"
    for feature in PERMISSIONS_ALLOWED:
        assert policy.get(feature) == "(self)", (url, feature, policy.get(feature))
    for feature, allowlist in policy.items():
        if feature not in PERMISSIONS_ALLOWED:
            assert allowlist == "()", (url, feature, allowlist)
    assert policy.keys() >= PERMISSIONS_DENIED, url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    if response.get("Content-Type", "").startswith("text/html"):
        assert "default-src 'self'" in response["Content-Security-Policy"], url
        assert response["X-Frame-Options"] == "DENY", url


@pytest.mark.parametrize("name", URL_NAMES)
@pytest.mark.parametrize("logged_in", [True, False], ids=["logged-in", "anonymous"])
def test_every_answer_carries_the_security_headers(client, request, name, logged_in):
    url, user = _url_and_user(request, name)
    if logged_in:
        client.force_login(user)
    assert_security_headers(client.get(url), url)


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/accounts/signup/", "/no-such-page/", "/families/0/"]
)
def test_account_pages_and_errors_carry_the_security_headers(client, db, url):
    assert_security_headers(client.get(url), url)


def test_a_405_and_a_refused_post_carry_the_security_headers(client, db):
    assert_security_headers(client.delete(reverse("massage:routine-list")), "DELETE routines")
    assert_security_headers(client.post(reverse("massage:theme-set"), {"next": "x"}), "theme")


@pytest.mark.parametrize("preload", [False, True])
def test_hsts_preload_only_when_asked_for(client, db, settings, preload):
    # Set before the first request: SecurityMiddleware reads its settings once.
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_PRELOAD = preload
    header = client.get("/", secure=True)["Strict-Transport-Security"]
    assert ("preload" in header) is preload


# -- Ids in URLs -------------------------------------------------------------------------------

# Too big for a 64-bit integer column: SQLite's driver raised OverflowError on it.
TOO_BIG = str(2**63)
FAKE_ARGUMENTS = {
    "slug": "some-routine",
    "str": "some-token",
    "token": "some-token",
    "uuid": str(uuid.uuid4()),
}


def _routes_with_arguments():
    for name, route, pattern in _walk(get_resolver().url_patterns):
        if getattr(pattern, "converters", None):
            yield name, route, pattern


ROUTES_WITH_ARGUMENTS = sorted((name, route) for name, route, _pattern in _routes_with_arguments())


def test_no_url_takes_an_unbounded_int():
    unbounded = [
        (name, argument)
        for name, _route, pattern in _routes_with_arguments()
        for argument, converter in pattern.converters.items()
        if type(converter) is IntConverter
    ]
    assert not unbounded, "use <id:...> (massage/converters.py) for ids in URLs"
    assert any("<id:" in route for _name, route in ROUTES_WITH_ARGUMENTS)


def _with(route, big):
    def argument(match):
        kind = match.group(1)
        return big if kind in {"id", "int"} else FAKE_ARGUMENTS[kind]

    return "/" + re.sub(r"<(\w+):\w+>", argument, route)


@pytest.mark.parametrize(
    "route",
    [route for _name, route in ROUTES_WITH_ARGUMENTS if re.search("<(id|int):", route)],
)
@pytest.mark.parametrize("big", [TOO_BIG, "9" * 19, "9" * 400, "1" + "0" * 18])
def test_an_id_too_big_for_the_database_is_a_404(client, parent, route, big):
    client.force_login(parent)
    url = _with(route, big)
    assert client.get(url).status_code == 404, url
    assert client.post(url).status_code == 404, url
