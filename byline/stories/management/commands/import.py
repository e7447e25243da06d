from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from byline.stories.importer import StoryImportError, import_story, parse_story_file


class Command(BaseCommand):
    help = "Import stories from Markdown files with YAML front matter (see README)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, files, **options):
        from django.conf import settings

        failed = 0
        for path in files:
            try:
                result = import_story(parse_story_file(path))
            except StoryImportError as error:
                failed += 1
                self.stderr.write(f"error: {error}")
                continue
            url = f"{settings.SITE_URL}{result.story.get_absolute_url()}"
            verb = "imported" if result.created else "already imported"
            self.stdout.write(f"{verb}: {result.story.title} -> {url}")
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) could not be imported.")
