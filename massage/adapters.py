from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _

from massage import pending_invitation
from massage.services import families as family_services


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up lands on "create your family", unless an invitation link was opened first: then
    signing up or logging in, by any way, joins that family."""

    def get_signup_redirect_url(self, request):
        next_url = request.POST.get("next") or request.GET.get("next")
        if next_url and self.is_safe_url(next_url):
            return next_url
        if getattr(request.user, "is_instructor", False):
            return reverse("massage:instructor-profile")  # what families see before they join
        return reverse("massage:family-create")

    def format_email_subject(self, subject):
        """Subjects name Gentle Hands themselves, not "[127.0.0.1:8000]" before them."""
        return str(subject)

    def post_login(self, request, user, **kwargs):
        token = pending_invitation.take(request)
        if token:
            try:
                membership = family_services.invitation_accept(token=token, user=user)
            except family_services.InvitationError as error:
                # Expired or withdrawn since it was opened, or this login is in the family already.
                messages.warning(request, str(error))
            else:
                messages.success(
                    request, _("You have joined %(family)s.") % {"family": membership.family.name}
                )
                kwargs["redirect_url"] = reverse("today")
        return super().post_login(request, user, **kwargs)
