"""The site's own pages: the landing page for visitors, and the colour scheme and language
settings."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import LANGUAGE_QUERY_PARAMETER, set_language

__all__ = ["landing", "language_set", "theme_set"]


@require_safe
def landing(request):
    if request.user.is_authenticated:
        return redirect("today")
    return render(request, "massage/landing.html")


@require_POST
def theme_set(request):
    """Remember the chosen colour scheme in a cookie (works without JavaScript)."""
    theme = request.POST.get("theme", "system")
    if theme not in {"light", "dark", "system"}:
        theme = "system"
    response = HttpResponseRedirect(_page_to_return_to(request))
    response.set_cookie(
        "theme",
        theme,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


@require_POST
def language_set(request):
    """The language switch (works without JavaScript): Django's own set_language keeps the choice
    in its cookie and sends the person back to a safe `next`; for someone signed in it is kept on
    the account too, so it follows them to another phone
    (massage.middleware.AccountLanguageMiddleware)."""
    code = request.POST.get(LANGUAGE_QUERY_PARAMETER, "")
    response = set_language(request)
    user = request.user
    if code in dict(settings.LANGUAGES) and user.is_authenticated and user.language != code:
        user.language = code
        user.save(update_fields=["language"])
    return response


def _page_to_return_to(request) -> str:
    """The `next` the form sent if it is a path on this site, else Today.

    Only a path is followed: `redirect()` would read a bare word such as "foo" as a URL name and
    fail (a 500), and Django's check takes a relative "foo" for a safe URL.
    """
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse("today")
