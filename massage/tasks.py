"""Background tasks (Django's tasks framework, `TASKS` in the settings): the account mails.

allauth's mails (confirming an address, choosing a new password, "you already have an account")
are rendered in the request, then queued once the request's transaction commits
(`AccountAdapter.send_mail`); `manage.py db_worker` sends them. A mail server that is down or
refuses the mail does not fail the request: the task tries again later, with a growing wait,
and gives up (logged) after `MAX_ATTEMPTS`. django-tasks-db has no retries of its own, so each
retry is a new task, deferred with `run_after`, carrying its attempt number.
"""

import logging
import smtplib
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Waits before attempts 2, 3, …: 1, 2, 4, … minutes, at most an hour (about 2 hours in all).
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


def retry_wait(attempt: int) -> timedelta:
    """How long to wait after failed attempt `attempt` (1 for the first)."""
    return min(FIRST_WAIT * 2 ** (attempt - 1), LONGEST_WAIT)


@task
def send_mail(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    headers: dict | None = None,
    attempt: int = 1,
) -> bool:
    """Send one rendered mail; on an SMTP or connection error queue it again for later. True
    when it went, False when it is queued again or given up."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=to, headers=headers or {}
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        if attempt >= MAX_ATTEMPTS:
            logger.error("Mail %r: not sent after %s attempts, given up", subject, attempt)
            return False
        again = send_mail.using(run_after=timezone.now() + retry_wait(attempt))
        if not again.get_backend().supports_defer:
            # e.g. the ImmediateBackend of development: nothing can wait, so say so and stop.
            logger.error("Mail %r: not sent, and the tasks backend cannot retry later", subject)
            return False
        logger.warning(
            "Mail %r: not sent (attempt %s), trying again later", subject, attempt, exc_info=True
        )
        again.enqueue(
            subject=subject,
            body=body,
            to=to,
            from_email=from_email,
            html=html,
            headers=headers,
            attempt=attempt + 1,
        )
        return False
    return True
