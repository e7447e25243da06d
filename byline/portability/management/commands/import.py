from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from byline.core.links import site_url
from byline.portability.importing import ArchiveError, import_upload
from byline.stories.importer import StoryImportError, import_story, parse_story_file


class Command(BaseCommand):
    help = (
        "Import stories from Markdown files with YAML front matter, or from a zip made by "
        "`byline export` (see docs/import-export.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, files, **options):

        failed = total = 0
        for path in files:
            if path.suffix.lower() == ".zip":
                try:
                    with path.open("rb") as archive:
                        report = import_upload(archive, filename=path.name)
                except (ArchiveError, OSError) as error:
                    failed += 1
                    total += 1
                    self.stderr.write(f"error: {path}: {getattr(error, 'strerror', None) or error}")
                    continue
                results, errors = report.results, report.errors
                for name in report.skipped:
                    self.stderr.write(f"skipped: {path}: {name} (not part of the export layout)")
            else:
                try:
                    results, errors = [import_story(parse_story_file(path))], []
                except StoryImportError as error:
                    results, errors = [], [str(error)]
            total += len(results) + len(errors)
            for error in errors:
                failed += 1
                self.stderr.write(f"error: {error}")
            for result in results:
                url = site_url(result.story.get_absolute_url())
                verb = "imported" if result.created else "already imported"
                self.stdout.write(f"{verb}: {result.story.title} -> {url}")
        if failed:
            raise CommandError(f"{failed} of {total} stor(ies) could not be imported.")
