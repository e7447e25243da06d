from django.core.management.base import BaseCommand

from byline.discovery.counts import recount_all
from byline.search.backends import get_backend


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of published stories and recount the story counts "
        "of communities and tags (set-based SQL)."
    )

    def handle(self, *args, **options) -> None:
        backend = get_backend()
        count = backend.rebuild()
        self.stdout.write(f"Indexed {count} published stories ({backend.vendor}).")
        communities, tags = recount_all()
        self.stdout.write(f"Recounted the stories of {communities} communities and {tags} tags.")
