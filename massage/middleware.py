"""Refuse request bodies over their limit, show times in the visitor's own time zone (which the
browser tells us in a cookie), and keep a logged-in user's pages out of every cache."""

import zoneinfo
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

from massage.decorators import wants_json

TOO_LARGE = 413


def body_limit(request, view) -> int:
    """The most bytes a request body to `view` may have: more for a form that carries files, and
    most in the admin, whose routine page saves every step's photo and narration at once."""
    match = request.resolver_match
    if match is not None and "admin" in match.app_names:
        return settings.ADMIN_REQUEST_BODY_MAX_BYTES
    if getattr(view, "accepts_uploads", False):
        return settings.UPLOAD_REQUEST_BODY_MAX_BYTES
    return settings.REQUEST_BODY_MAX_BYTES


def too_large(request, limit=None):
    """The 413: plain words (JSON for the player's background saves)."""
    if limit is None:
        message = _("What was sent is too large.")
    else:
        message = _("What was sent is too large: at most %(limit)s can be sent here.") % {
            "limit": filesizeformat(limit)
        }
    if wants_json(request):
        return JsonResponse({"error": message}, status=TOO_LARGE)
    return HttpResponse(message, status=TOO_LARGE, content_type="text/plain; charset=utf-8")


class BodyLimitMiddleware:
    """A request whose Content-Length is over its view's limit is answered 413 before anything
    reads its body (the CSRF check would, to find the token in a form).

    The limit is REQUEST_BODY_MAX_BYTES, UPLOAD_REQUEST_BODY_MAX_BYTES for a view marked
    `accepts_uploads` (the studio's step form, with a photo and a narration), and
    ADMIN_REQUEST_BODY_MAX_BYTES for the admin's pages (staff only). A body that is
    larger than it says is still cut short by Django: a form's fields (not its files) over
    DATA_UPLOAD_MAX_MEMORY_SIZE raise RequestDataTooBig, a 413 as well
    (massage.views.errors.bad_request), and more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields raise
    TooManyFieldsSent, a 400.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # as Django takes it: nothing is read
        limit = body_limit(request, view_func)
        if length > limit:
            return too_large(request, limit)
        return None


TIME_ZONE_COOKIE = "tz"


def time_zone_from(request):
    """The zone the browser named (static/js/app.js sets it), or None for the site's default."""
    name = unquote(request.COOKIES.get(TIME_ZONE_COOKIE, ""))
    if not name or len(name) > 64:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class TimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = time_zone_from(request)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class AccountLanguageMiddleware:
    """The language a signed-in person chose (User.language, set by the language switch or the
    account page) comes before the cookie and the browser's Accept-Language, which
    LocaleMiddleware has read; empty follows them. After AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        code = user.language if user.is_authenticated else ""
        if code and code in dict(settings.LANGUAGES) and code != translation.get_language():
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)


class PrivatePagesMiddleware:
    """What a logged-in user is shown is theirs alone, and a fragment is not its page.

    - Every answer to a logged-in user is `Cache-Control: no-store` (what `never_cache` sends),
      so on a shared family phone Back after logging out can't bring back the last family's
      pages, and no proxy keeps them. An answer its view marked `public` (uploaded media, whose
      names never change) or `immutable` (a routine's step pictures, whose address carries their
      version) keeps its own header. Static files never get here: WhiteNoise answers
      them first.
    - Every HTML answer varies on `HX-Request`: an htmx request may get a region of the page at
      the same address as the whole page, so no cache may hand one out for the other.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _is_public(response):
            add_never_cache_headers(response)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ["HX-Request"])
        return response


def _is_public(response) -> bool:
    directives = {d.strip().lower() for d in response.get("Cache-Control", "").split(",")}
    return bool(directives & {"public", "immutable"})


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` on every answer, from settings.PERMISSIONS_POLICY.

    The browser features the app uses are allowed for the site itself only (the player's screen
    wake lock and chime, the invitations' "copy" and "share"); the others are named and denied,
    so a page (or anything that ever got into one) can't ask for a camera or a payment. Django
    has no setting for this header, unlike the CSP.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


def permissions_policy(policy: dict[str, list[str]]) -> str:
    """{"autoplay": ["self"], "camera": []} → 'autoplay=(self), camera=()'."""

    def origin(source):
        return source if source in {"self", "*"} else f'"{source}"'

    return ", ".join(
        f"{feature}=({' '.join(origin(source) for source in sources)})"
        for feature, sources in policy.items()
    )
