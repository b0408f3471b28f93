from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sessions.services import send_reminders


def moment(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--now: not a date and time: {value!r}") from error
    if timezone.is_naive(parsed):
        raise CommandError("--now needs a time zone, e.g. 2026-03-02T17:00:00+00:00")
    return parsed


class Command(BaseCommand):
    help = (
        "Queue the reminder mails that are due (run it every 5 minutes from cron). Each "
        "person's slot is sent at most once, however often and from however many servers it "
        "runs; `manage.py db_worker` then sends the mails."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            type=moment,
            default=None,
            help="Act as if it were this moment (ISO 8601 with its zone); default: now.",
        )

    def handle(self, *args, now=None, **options):
        queued = send_reminders(now=now)
        self.stdout.write(f"Queued {queued} reminder(s).")
