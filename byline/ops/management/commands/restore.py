"""`byline restore FILE`: replace the database and the media folder with a backup's."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from byline.ops.archive import BackupError
from byline.ops.restore import archive_open, backup_restore


class Command(BaseCommand):
    help = "Replace the database and the uploaded media with those of a `byline backup` archive."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Archive written by `byline backup`.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (scripts)."
        )

    def handle(self, *args, file: Path, yes: bool, **options):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".restore-", dir=settings.DATA_DIR) as folder:
            try:
                # Everything is checked before anything is changed.
                archive = archive_open(path=file, into=Path(folder))
            except BackupError as error:
                raise CommandError(f"Nothing was changed: {error}") from None
            manifest = archive.manifest
            counts = manifest["counts"]
            media = sum(1 for name in manifest["files"] if name.startswith("media/"))
            self.stdout.write(
                f"{file}: {manifest['vendor']} backup made {manifest['created_at']} by Byline "
                f"{manifest['byline_version']}: {counts['users']} accounts, {counts['stories']} "
                f"stories, {counts['comments']} comments, {media} media files."
            )
            if not yes:
                if not self.stdin_is_interactive():
                    raise CommandError(
                        "Nothing was changed: restoring replaces all current data; "
                        "confirm with --yes."
                    )
                answer = input(
                    "This REPLACES the current database and media folder. Type 'yes' to go on: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Nothing was changed.")
            try:
                backup_restore(archive=archive)
            except BackupError as error:
                raise CommandError(f"The database was left as it was: {error}") from None
        self.stdout.write(self.style.SUCCESS(f"Restored {file}."))

    @staticmethod
    def stdin_is_interactive() -> bool:
        import sys

        return sys.stdin.isatty()
