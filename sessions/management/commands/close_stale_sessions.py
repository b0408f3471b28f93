from django.core.management.base import BaseCommand

from sessions.services import sessions_close_stale


class Command(BaseCommand):
    help = "Close massage sessions left running for hours, as interrupted (optional, e.g. hourly)."

    def handle(self, *args, **options):
        closed = sessions_close_stale()
        self.stdout.write(f"Closed {closed} unfinished session(s) as interrupted.")
