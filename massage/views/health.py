"""/healthz: may this app server take requests? Asked by the load balancer and by monitoring.

It checks what every page needs besides the server itself: the database, and the cache that
holds the log-in limits (Redis when CACHE_URL names it). 200 "ok" when both answer, 503 naming
what did not; never the error itself, which goes to the log.

HealthCheckMiddleware answers it near the top of the middleware, before sessions, CSRF, the user
and the host check: a probe costs one database query and two cache round trips, sets no cookie,
and may name the server by its address (a load balancer usually does), which ALLOWED_HOSTS would
refuse. The URL pattern in massage/root_urls.py gives it a name and is what answers should the
middleware be left out.
"""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

__all__ = ["PATH", "HealthCheckMiddleware", "healthz", "unavailable"]

PATH = "/healthz"
CACHE_KEY = "healthz"

logger = logging.getLogger(__name__)


def unavailable() -> list[str]:
    """The dependencies that failed to answer: [] when all is well."""
    down = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("Health check: the database does not answer", exc_info=True)
        down.append("database")
    try:
        # A write and a read: the log-in limits need both.
        cache.set(CACHE_KEY, 1, timeout=60)
        if cache.get(CACHE_KEY) is None:
            raise LookupError("the value just written is not there")
    except Exception:
        logger.warning("Health check: the cache does not answer", exc_info=True)
        down.append("cache")
    return down


def _text(body, status=200):
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz(request):
    down = unavailable()
    if down:
        return _text(f"unavailable: {', '.join(down)}\n", status=503)
    return _text("ok\n")


class HealthCheckMiddleware:
    """Answers PATH itself; every other request goes on down the middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH:
            return healthz(request)
        return self.get_response(request)
