"""The site's own pages: the landing page for visitors, and the colour scheme setting."""

from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

__all__ = ["landing", "theme_set"]


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
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    response.set_cookie(
        "theme",
        theme,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response
