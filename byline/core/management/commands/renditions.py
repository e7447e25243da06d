"""`byline renditions`: make the responsive renditions that are missing (or all, with --all).

New uploads get theirs automatically; this is for images stored before, or after moving media.
"""

from django.core.management.base import BaseCommand

from byline.core.models import ImageRendition
from byline.core.renditions import generate_renditions, image_fields


class Command(BaseCommand):
    help = "Queue the making of responsive image renditions that are missing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="remake existing ones too")

    def handle(self, *args, **options) -> None:
        names: set[str] = set()
        for model, field_name in image_fields():
            names.update(
                model.objects.exclude(**{field_name: ""}).values_list(field_name, flat=True)
            )
        if not options["all"]:
            names -= set(
                ImageRendition.objects.filter(source_name__in=names).values_list(
                    "source_name", flat=True
                )
            )
        for name in sorted(names):
            generate_renditions.enqueue(storage_name=name)
        self.stdout.write(f"Queued renditions for {len(names)} image(s).")
