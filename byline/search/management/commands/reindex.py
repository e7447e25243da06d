from django.core.management.base import BaseCommand

from byline.search.backends import get_backend


class Command(BaseCommand):
    help = "Rebuild the full-text search index of published stories (set-based SQL)."

    def handle(self, *args, **options) -> None:
        backend = get_backend()
        count = backend.rebuild()
        self.stdout.write(f"Indexed {count} published stories ({backend.vendor}).")
