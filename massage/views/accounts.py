"""Accounts: allauth's log-in, sign-up and password pages, and the signed-in person's own account
page (their name, their families, deleting it all).

The allauth pages answer invalid forms with 422 instead of 200, so tests, scripts and htmx can
tell a rejected sign-up or log-in from a page view. Log-in and sign-up also name the family of
an invitation opened before (massage.pending_invitation).
"""

from contextlib import suppress

from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from massage import pending_invitation
from massage.errors import INVALID
from massage.forms import AccountDeleteForm, ProfileForm
from massage.selectors import families as family_selectors
from massage.services import families as family_services

__all__ = [
    "LoginView",
    "LogoutView",
    "PasswordChangeView",
    "PasswordResetFromKeyView",
    "PasswordResetView",
    "SignupView",
    "account",
    "account_delete",
]


class InvalidFormStatusMixin:
    def form_invalid(self, form):
        response = super().form_invalid(form)
        if response.status_code == 200:
            response.status_code = INVALID
        return response


class PendingInvitationMixin:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        token = self.request.session.get(pending_invitation.SESSION_KEY)
        if token:
            with suppress(
                family_services.InvitationError
            ):  # expired since: sign-up says nothing of it
                context["invitation"] = family_services.invitation_for_token(token)
        return context


class LoginView(PendingInvitationMixin, InvalidFormStatusMixin, allauth_views.LoginView):
    pass


class LogoutView(allauth_views.LogoutView):
    """Logging out also empties the browser's own cache of the site: a family phone is often
    shared. (The page, static/js/offline.js, sends and forgets the cues still waiting for the
    person leaving and empties the service worker's caches; the header can't reach those without
    wiping every other person's waiting cues too.)"""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        response["Clear-Site-Data"] = '"cache"'
        return response


class SignupView(PendingInvitationMixin, InvalidFormStatusMixin, allauth_views.SignupView):
    pass


class PasswordChangeView(InvalidFormStatusMixin, allauth_views.PasswordChangeView):
    pass


class PasswordResetView(InvalidFormStatusMixin, allauth_views.PasswordResetView):
    pass


class PasswordResetFromKeyView(InvalidFormStatusMixin, allauth_views.PasswordResetFromKeyView):
    pass


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # The language takes effect at once (massage.middleware.AccountLanguageMiddleware); the
        # cookie keeps it for this phone's pages after logging out, as the switch does, and
        # goes when the browser's own choice is chosen.
        translation.activate(user.language or translation.get_language())
        messages.success(request, _("Your details are saved."))
        response = redirect("massage:account")
        if user.language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        else:
            response.delete_cookie(
                settings.LANGUAGE_COOKIE_NAME, samesite=settings.LANGUAGE_COOKIE_SAMESITE
            )
        return response
    context = {"form": form, "memberships": family_selectors.account_memberships(request.user)}
    status = INVALID if request.method == "POST" else 200
    return render(request, "massage/account_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        families = family_services.account_delete(user=request.user)
        logout(request)
        if families:
            messages.success(
                request,
                _("Your account is deleted, and with it: %(families)s.")
                % {"families": ", ".join(families)},
            )
        else:
            messages.success(request, _("Your account is deleted."))
        return redirect("massage:landing")
    context = {"form": form, "memberships": family_selectors.account_memberships(request.user)}
    status = INVALID if request.method == "POST" else 200
    return render(request, "massage/account_confirm_delete.html", context, status=status)
