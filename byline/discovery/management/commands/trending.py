from django.core.management.base import BaseCommand

from byline.discovery.services import trending_recompute


class Command(BaseCommand):
    help = "Recompute trending scores of recently published stories (run it every few minutes)."

    def handle(self, *args, **options) -> None:
        count = trending_recompute()
        self.stdout.write(f"Scored {count} recent stories.")
