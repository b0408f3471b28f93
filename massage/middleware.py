"""Show times in the visitor's own time zone (which the browser tells us in a cookie), and keep a
logged-in user's pages out of every cache."""

import zoneinfo
from urllib.parse import unquote

from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers

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


class PrivatePagesMiddleware:
    """What a logged-in user is shown is theirs alone, and a fragment is not its page.

    - Every answer to a logged-in user is `Cache-Control: no-store` (what `never_cache` sends),
      so on a shared family phone Back after logging out can't bring back the last family's
      pages, and no proxy keeps them. An answer its view marked `public` (uploaded media, whose
      names never change) keeps its own header. Static files never get here: WhiteNoise answers
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
    directives = response.get("Cache-Control", "").split(",")
    return "public" in (directive.strip().lower() for directive in directives)
