"""How a refused request reads: JSON for background saves, the calm 403 page for people, the
413 for a form too large."""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from massage.decorators import wants_json
from massage.middleware import too_large


def bad_request(request, exception):
    """handler400: a form whose fields are over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, as a body
    over its Content-Length limit is (BodyLimitMiddleware); anything else Django's 400 page."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    return defaults.bad_request(request, exception)


def csrf_failure(request, reason=""):
    """Django's CSRF_FAILURE_VIEW: a page left open too long, or a log-in in another tab."""
    message = _("This page has expired. Reload it, then try again.")
    if wants_json(request):
        return JsonResponse({"error": message}, status=403)
    return render(request, "403.html", {"exception": message}, status=403)
