"""View decorators shared by the apps."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


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
