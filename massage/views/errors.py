"""How a refused form post reads: JSON for background saves, the calm 403 page for people."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from massage.decorators import wants_json


def csrf_failure(request, reason=""):
    """Django's CSRF_FAILURE_VIEW: a page left open too long, or a log-in in another tab."""
    message = _("This page has expired. Reload it, then try again.")
    if wants_json(request):
        return JsonResponse({"error": message}, status=403)
    return render(request, "403.html", {"exception": message}, status=403)
