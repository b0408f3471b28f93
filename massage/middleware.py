"""Show times in the visitor's own time zone, which the browser tells us in a cookie."""

import zoneinfo
from urllib.parse import unquote

from django.utils import timezone

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
