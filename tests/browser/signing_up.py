"""Finishing a sign-up in the browser: the confirmation mail goes out through the worker, and
its link, opened in the same browser, logs the new person in."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.queued_tasks import run_queued_tasks

# The words of the two pages, as the catalogue has them (locale/<lang>/LC_MESSAGES/django.po).
WORDS = {
    "en": {"heading": "Check your email", "confirm": "Yes, confirm it"},
    "es": {"heading": "Revisa tu correo", "confirm": "Sí, confirmarla"},
}


def confirm_sign_up(page, email, language="en"):
    words = WORDS[language]
    expect(page.get_by_role("heading", name=words["heading"])).to_be_visible()
    run_queued_tasks()  # what `manage.py db_worker` does
    [body] = [m.body for m in mail.outbox if m.to == [email] and "/confirm-email/" in m.body]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", body).group(1)
    page.goto(link)
    page.get_by_role("button", name=words["confirm"]).click()
