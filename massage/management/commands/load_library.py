from django.core.management.base import BaseCommand

from massage.services.library import library_load


class Command(BaseCommand):
    help = "Load the shared routine library. Safe to run again: updates, never duplicates."

    def handle(self, *args, **options):
        counts = library_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Routine library: {counts['created']} created, {counts['updated']} up to date, "
                f"{counts.get('kept', 0)} kept as edited in the admin."
            )
        )
