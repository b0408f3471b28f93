"""Background tasks (Django's tasks framework, `TASKS` in the settings): the reminder mail.

`services.send_reminders` claims each slot and queues `send_reminder` for it; with the database
backend (django-tasks-db) `manage.py db_worker` runs it.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from sessions.models import Reminder, ReminderSent, in_words, weekdays_in_words
from sessions.selectors import reminder_week

logger = logging.getLogger(__name__)


@task
def send_reminder(sent_id: int) -> bool:
    """Mail the reminder of a claimed slot, once: False when there is nothing to send (already
    sent, or the reminder was turned off since the slot was claimed)."""
    with transaction.atomic():
        sent = ReminderSent.objects.select_for_update().filter(pk=sent_id).first()
        if sent is None or sent.sent_at is not None:
            return False
        reminder = Reminder.objects.select_related("user", "family").get(pk=sent.reminder_id)
        if (
            not reminder.active
            or not reminder.family.memberships.filter(user=reminder.user_id).exists()
        ):
            return False  # turned off, or the person left the family, since it was queued
        reminder_message(reminder, sent.slot_date).send()
        sent.sent_at = timezone.now()
        sent.save(update_fields=["sent_at"])
    logger.info("Reminder %s: sent for %s %s", reminder.pk, sent.slot_date, sent.slot_time)
    return True


def site_url(name, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def reminder_message(reminder: Reminder, day) -> EmailMultiAlternatives:
    """The mail for one slot: plain text and HTML, with a one-click unsubscribe link (RFC 8058:
    the mail program may POST `List-Unsubscribe=One-Click` to it)."""
    unsubscribe_url = site_url("sessions:reminder-unsubscribe", reminder.token)
    with (
        timezone.override(reminder.zone),
        translation.override(reminder.user.language or settings.LANGUAGE_CODE),
    ):
        week = reminder_week(reminder, day)
        context = {
            "user": reminder.user,
            "family": reminder.family,
            "babies": in_words(baby.name for baby in week["babies"]),
            "assigned": week["assigned"],
            "days": weekdays_in_words(reminder.weekdays),
            "time": reminder.time,
            "zone": reminder.time_zone,
            "today_url": site_url("today"),
            "settings_url": site_url("sessions:reminder-edit", reminder.family_id),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = render_to_string("sessions/email/reminder_subject.txt", context)
        text = render_to_string("sessions/email/reminder.txt", context)
        html = render_to_string("sessions/email/reminder.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[reminder.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
