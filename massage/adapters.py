import math
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from massage import pending_invitation, tasks
from massage.services import families as family_services


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up lands on "create your family", unless an invitation link was opened first: then
    signing up or logging in, by any way, joins that family. Mails go out through a task once
    the request has committed, and a locked-out log-in says how long to wait."""

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

    def send_mail(self, template_prefix, email, context):
        """Render the mail now (it needs the request for its links), send it later: queued as a
        task when the request's transaction commits, so a mail server that is down never fails
        the request, and the task tries again until it answers (massage/tasks.py)."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request)}
            | context,
        )
        html = next(
            (content for content, mimetype in message.alternatives if mimetype == "text/html"),
            None,
        )
        queued = {
            "subject": message.subject,
            "body": message.body,
            "to": list(message.to),
            "from_email": message.from_email,
            "html": html,
            "headers": dict(message.extra_headers) or None,
        }
        transaction.on_commit(lambda: tasks.send_mail.enqueue(**queued))

    def add_message(self, request, level, message_template=None, message_context=None, **kwargs):
        """No "We have sent a confirmation email to …" after signing up: a sign-up with an
        address that has an account gets none, so it would tell the two apart. The page says
        to check the email either way."""
        if message_template == "account/messages/email_confirmation_sent.txt":
            return
        super().add_message(request, level, message_template, message_context, **kwargs)

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            raise ValidationError(
                locked_out_message(self.login_wait(request, **credentials))
            ) from None

    def login_wait(self, request, **credentials) -> float:
        """Seconds until the failed-log-in limits let this log-in (its address, and this
        client's address) try again. It reads the counts allauth keeps in the cache."""
        key = self._get_login_attempts_cache_key(request, **credentials)
        now = time.time()
        wait = 0.0
        for rate in ratelimit.get_rates(app="allauth.account", action="login_failed"):
            cache_key = ratelimit.get_cache_key(
                request, app="allauth.account", action="login_failed", rate=rate, key=key
            )
            history = [at for at in cache.get(cache_key, []) if at > now - rate.duration]
            if len(history) >= rate.amount:
                # Newest first: once the amount-th newest has aged out, one more try is let in.
                wait = max(wait, history[rate.amount - 1] + rate.duration - now)
        return wait

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


def locked_out_message(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed log-ins. Please wait %(minutes)d minute, then try again.",
        "Too many failed log-ins. Please wait %(minutes)d minutes, then try again.",
        minutes,
    ) % {"minutes": minutes}
