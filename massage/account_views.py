"""allauth's account pages, answering invalid forms with 422 instead of 200.

Tests, scripts and htmx can then tell a rejected sign-up or log-in from a page view. Log-in and
sign-up also name the family of an invitation opened before (massage.pending_invitation).
"""

from contextlib import suppress

from allauth.account import views as allauth_views

from massage import pending_invitation, services
from massage.errors import INVALID


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
            with suppress(services.InvitationError):  # expired since: sign-up says nothing of it
                context["invitation"] = services.invitation_for_token(token)
        return context


class LoginView(PendingInvitationMixin, InvalidFormStatusMixin, allauth_views.LoginView):
    pass


class SignupView(PendingInvitationMixin, InvalidFormStatusMixin, allauth_views.SignupView):
    pass


class PasswordChangeView(InvalidFormStatusMixin, allauth_views.PasswordChangeView):
    pass


class PasswordResetView(InvalidFormStatusMixin, allauth_views.PasswordResetView):
    pass


class PasswordResetFromKeyView(InvalidFormStatusMixin, allauth_views.PasswordResetFromKeyView):
    pass
