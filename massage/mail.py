"""Sending one of the app's plain mails, where a mail server that fails must not fail the
request: the caller is told whether it went, and the failure is logged."""

import logging
import smtplib

from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def mail_or_log(*, subject: str, template: str, context: dict, to: str, about: str) -> bool:
    """Send `template` rendered with `context` to `to`; False (logged, naming `about`) if the
    mail server refused it or could not be reached."""
    try:
        send_mail(
            subject=subject,
            message=render_to_string(template, context),
            from_email=None,
            recipient_list=[to],
        )
    except (smtplib.SMTPException, OSError):
        logger.warning("%s: not mailed", about, exc_info=True)
        return False
    return True
