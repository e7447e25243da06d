from django.core.management.base import BaseCommand

from byline.stats.services import view_counts_flush


class Command(BaseCommand):
    help = "Write buffered page views to the database (run from cron on the scale path)."

    def handle(self, *args, **options):
        written = view_counts_flush()
        self.stdout.write(f"{written} view(s) written.")
