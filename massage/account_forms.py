"""allauth's account forms in the app's words: sentence case, no colons, no placeholders.

Sign-up also asks for a name, kept as the user's display name: the app greets people by it and
shows it to their family. A new password is typed once; the page has a "Show" button for it
(static/js/password.js), so there is no second box to type it again.
"""

from allauth.account import forms as allauth_forms
from django import forms
from django.utils.translation import gettext_lazy as _

from massage.models import User

PASSWORD_RULE = _("At least 10 characters, not a common one.")


class PlainForm:
    """Labels as the app writes them, no colon after them, and no placeholders repeating them."""

    labels: dict = {}
    drop: tuple = ()  # fields to leave out
    new_password = ""  # the field that chooses a password, which states the rule

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        for name in self.drop:
            self.fields.pop(name, None)
        for name, field in self.fields.items():
            if name in self.labels:
                field.label = self.labels[name]
            field.widget.attrs.pop("placeholder", None)
            if isinstance(field.widget, forms.PasswordInput):
                # No allauth "Forgot your password?" help: the pages carry their own link.
                field.help_text = PASSWORD_RULE if name == self.new_password else ""


class SignupForm(PlainForm, allauth_forms.SignupForm):
    labels = {"email": _("Email"), "password1": _("Password")}
    new_password = "password1"
    field_order = ["name", "email", "password1", "teaches"]

    name = forms.CharField(
        label=_("Your name"),
        max_length=User._meta.get_field("display_name").max_length,
        help_text=_("How we greet you, and how your family sees you."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Please give your name.")},
    )

    teaches = forms.BooleanField(
        label=_("I teach baby massage"),
        required=False,
        help_text=_(
            "You can then write routines and invite the families you teach. You can be a "
            "parent here too."
        ),
    )

    def custom_signup(self, request, user):
        super().custom_signup(request, user)
        user.display_name = self.cleaned_data["name"]
        user.is_instructor = self.cleaned_data["teaches"]
        user.save(update_fields=["display_name", "is_instructor"])


class LoginForm(PlainForm, allauth_forms.LoginForm):
    """With "Keep me signed in" ticked (as it comes) the log-in lasts for weeks; unticked, on a
    tablet the family shares, it ends when the browser closes."""

    labels = {"login": _("Email"), "password": _("Password"), "remember": _("Keep me signed in")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].initial = True
            self.fields["remember"].help_text = _(
                "Untick it on a phone or tablet others use: you are logged out when the "
                "browser closes."
            )


class ResetPasswordForm(PlainForm, allauth_forms.ResetPasswordForm):
    labels = {"email": _("Email")}


class ResetPasswordKeyForm(PlainForm, allauth_forms.ResetPasswordKeyForm):
    labels = {"password1": _("New password")}
    drop = ("password2",)
    new_password = "password1"


class ChangePasswordForm(PlainForm, allauth_forms.ChangePasswordForm):
    labels = {"oldpassword": _("Current password"), "password1": _("New password")}
    drop = ("password2",)
    new_password = "password1"


class SetPasswordForm(PlainForm, allauth_forms.SetPasswordForm):
    labels = {"password1": _("Password")}
    drop = ("password2",)
    new_password = "password1"


class AddEmailForm(PlainForm, allauth_forms.AddEmailForm):
    labels = {"email": _("Email")}


class ReauthenticateForm(PlainForm, allauth_forms.ReauthenticateForm):
    labels = {"password": _("Password")}
