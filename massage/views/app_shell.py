"""What makes the site installable and lets it open with no network: the web app manifest, the
service worker and the page the worker shows when a page can't be fetched.

The worker keeps the app shell on the phone: every file of the project's static folder (styles,
scripts, icons, the chime), htmx and the offline page. Its script names them, with a version
built from them, so a deploy that changes any of them changes the script's bytes, which is what
makes browsers install the new worker (and it deletes the old copies). In production the names
carry a hash of their content (the manifest storage), so the names are the version; in
development they don't, so the version also hashes the files themselves.
"""

import hashlib
import json
import re

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import HashedFilesMixin, staticfiles_storage
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import Context, Template
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from massage.content import language_codes
from massage.icons import MANIFEST_ICONS

# The worker's caches are named from here; the page's logout clearing (static/js/offline.js)
# keeps the shell's, which holds nothing of anyone's.
SHELL_CACHE_PREFIX = "gentle-hands-shell-"
# What the worker keeps of a person: their pages ("<prefix><user id>"), and whose pages the phone
# last showed. Both go when anyone logs out (static/js/offline.js) and when another person's page
# is shown.
PAGES_CACHE_PREFIX = "gentle-hands-pages-"
WHO_CACHE = "gentle-hands-who"
# The pages worth having with no network, kept as they are opened (paths, as regular
# expressions for the worker): a massage's player, a routine, its start page and the player for
# a massage started on the phone.
KEPT_PAGES = [
    r"^/sessions/[0-9]+/$",
    r"^/routines/[^/]+/$",
    r"^/babies/[0-9]+/routines/[^/]+/(start|offline)/$",
]
# Where the worker notes the language of the last page it saw (in the shell's cache).
LANGUAGE_NOTE_URL = "/page-language"
SYNC_TAG = "gentle-hands-outbox"
DAY, NIGHT = "#f7f3ec", "#17171d"  # --bg of static/css/app.css, as the theme-color tags
OFFLINE_TEMPLATE = "massage/offline.html"
# collectstatic's own default ignore patterns
IGNORE = ["CVS", ".*", "*~"]
HTMX = Template("{% load django_htmx %}{% htmx_script %}")


def _project_static_paths() -> list[str]:
    finder = finders.get_finder("django.contrib.staticfiles.finders.FileSystemFinder")
    return sorted(path for path, _storage in finder.list(IGNORE))


def _htmx_urls() -> list[str]:
    # The scripts base.html's {% htmx_script %} loads, whichever django-htmx picks.
    return re.findall(r'src="([^"]+)"', HTMX.render(Context()))


def _hashed_names() -> bool:
    return isinstance(staticfiles_storage, HashedFilesMixin)


def shell() -> dict:
    """The worker's settings: what it keeps, under which version, and whether names are hashed."""
    paths = _project_static_paths()
    urls = [static(path) for path in paths] + _htmx_urls()
    offline_url = reverse("offline")
    # One offline page per language besides the browser's: the worker shows the one in the
    # language of the last page it saw, which a request without cookies can't ask for.
    offline_in = {
        code: f"{offline_url}?{urlencode({'language': code})}" for code in language_codes()
    }
    hashed = _hashed_names()
    digest = hashlib.sha256()
    for url in urls:
        digest.update(url.encode() + b"\n")
    if not hashed:
        for path in paths:
            with open(finders.find(path), "rb") as file:
                digest.update(hashlib.sha256(file.read()).digest())
    digest.update(render_to_string(OFFLINE_TEMPLATE).encode())
    for code in offline_in:
        with translation.override(code):
            digest.update(render_to_string(OFFLINE_TEMPLATE).encode())
    return {
        "version": digest.hexdigest()[:20],
        "cachePrefix": SHELL_CACHE_PREFIX,
        "shell": [*urls, offline_url, *offline_in.values()],
        "offline": offline_url,
        "offlineIn": offline_in,
        "languageUrl": LANGUAGE_NOTE_URL,
        "hashed": hashed,
        "pagesPrefix": PAGES_CACHE_PREFIX,
        "whoCache": WHO_CACHE,
        "whoUrl": "/who",
        "keep": KEPT_PAGES,
        "syncTag": SYNC_TAG,
    }


def _no_cache(response):
    # Browsers ask again each time; for a logged-in user PrivatePagesMiddleware adds no-store.
    patch_cache_control(response, no_cache=True)
    return response


@require_safe
def service_worker(request):
    config = json.dumps(shell(), indent=2)
    response = render(
        request,
        "massage/service_worker.js",
        {"config": config},
        content_type="text/javascript; charset=utf-8",
    )
    return _no_cache(response)


@require_safe
def manifest(request):
    data = {
        "id": reverse("today"),
        "name": _("Gentle Hands: guided baby massage"),
        "short_name": "Gentle Hands",
        "description": _(
            "Baby massage step by step on your phone, with your baby's cues as you go."
        ),
        # The language its name and description are written in: the page's.
        "lang": get_language(),
        "dir": "rtl" if get_language_bidi() else "ltr",
        "start_url": reverse("today"),
        "scope": "/",
        "display": "standalone",
        "background_color": DAY,
        "theme_color": DAY,
        "icons": [
            {
                "src": static(icon.path),
                "sizes": f"{icon.size}x{icon.size}",
                "type": "image/png",
                "purpose": icon.purpose,
            }
            for icon in MANIFEST_ICONS
        ],
    }
    response = JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"indent": 2}
    )
    return _no_cache(response)


@require_safe
def offline(request) -> HttpResponse:
    """The page the worker shows in place of one it can't fetch. The worker keeps the copy it
    fetched without cookies, so it names nobody; it renders the same for everyone. In the
    browser's language, or in the one `?language=` names (one of the site's)."""
    language = request.GET.get("language")
    if language is None:
        return render(request, OFFLINE_TEMPLATE)
    if language not in language_codes():
        raise Http404
    with translation.override(language):
        response = render(request, OFFLINE_TEMPLATE)
    response.headers["Content-Language"] = language
    return response
