"""allauth's account pages, answering invalid forms with 422 instead of 200.

Tests, scripts and htmx can then tell a rejected sign-up or log-in from a page view.
"""

from allauth.account import views as allauth_views


class InvalidFormStatusMixin:
    def form_invalid(self, form):
        response = super().form_invalid(form)
        if response.status_code == 200:
            response.status_code = 422
        return response


class LoginView(InvalidFormStatusMixin, allauth_views.LoginView):
    pass


class SignupView(InvalidFormStatusMixin, allauth_views.SignupView):
    pass


class PasswordChangeView(InvalidFormStatusMixin, allauth_views.PasswordChangeView):
    pass


class PasswordResetView(InvalidFormStatusMixin, allauth_views.PasswordResetView):
    pass


class PasswordResetFromKeyView(InvalidFormStatusMixin, allauth_views.PasswordResetFromKeyView):
    pass
