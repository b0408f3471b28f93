"""View decorators shared by the apps."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def wants_fragment(request) -> bool:
    """Whether to answer with the region htmx swaps (`template#partial`) rather than the page.

    Only an htmx request that swaps a region wants one. A boosted link or form wants the whole
    page, and so does a history restore: on Back to an address a page pushed (`hx-push-url`) that
    htmx no longer has in its history cache, it asks again with `HX-History-Restore-Request` and
    puts the answer in place of the whole body.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def accepts_uploads(view):
    """Marks a view whose form carries files: its request body may be as large as
    UPLOAD_REQUEST_BODY_MAX_BYTES rather than REQUEST_BODY_MAX_BYTES (BodyLimitMiddleware)."""
    view.accepts_uploads = True
    return view


def login_required_or_401(message):
    """A log-in check that a page's background saves can tell from success.

    fetch() follows the redirect to the login page and gets a 200 page, which a save would take for
    stored: a request asking for JSON gets a 401 with `message` instead. A plain form still goes
    to the login page. (A CSRF failure answers JSON too: see massage.views.errors.csrf_failure.)
    """

    def decorator(view):
        checked = login_required(view)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated and wants_json(request):
                return JsonResponse({"error": str(message)}, status=401)
            return checked(request, *args, **kwargs)

        return wrapper

    return decorator
