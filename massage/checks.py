"""System checks of the deployment that Django's own do not cover."""

from django.conf import settings
from django.core import checks

LOCAL_MEMORY = "django.core.cache.backends.locmem.LocMemCache"


@checks.register(checks.Tags.security, deploy=False)
def login_limits_need_a_shared_cache(app_configs=None, **kwargs):
    """allauth counts failed log-ins in the cache. Local memory is one process's own: with four
    workers a visitor gets four times the tries, and each worker locks out on its own."""
    workers = getattr(settings, "WEB_CONCURRENCY", 1) or 1
    if settings.DEBUG or workers <= 1 or settings.CACHES["default"]["BACKEND"] != LOCAL_MEMORY:
        return []
    return [
        checks.Warning(
            f"The cache is local memory, and WEB_CONCURRENCY says {workers} workers: each "
            "counts failed log-ins on its own, so the limits let in that many times more tries.",
            hint="Set CACHE_URL to a cache the workers share (e.g. redis://127.0.0.1:6379/1), "
            "or run one worker.",
            id="massage.W001",
        )
    ]
