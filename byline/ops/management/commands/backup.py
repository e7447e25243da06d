"""`byline backup FILE`: the database and the media folder in one archive (ops/archive.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from byline.ops.archive import BackupError
from byline.ops.backup import backup_create


class Command(BaseCommand):
    help = "Write the database and the uploaded media into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Archive to write, e.g. byline.tar.gz")
        parser.add_argument("--force", action="store_true", help="Overwrite FILE if it exists.")

    def handle(self, *args, file: Path, force: bool, **options):
        if file.exists() and not force:
            raise CommandError(f"{file} already exists; choose another name or pass --force.")
        if not file.parent.resolve().is_dir():
            raise CommandError(f"The folder {file.parent} does not exist.")
        try:
            manifest = backup_create(path=file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        counts = manifest["counts"]
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {manifest['vendor']} database ({counts['users']} accounts, "
                f"{counts['stories']} stories, {counts['comments']} comments) and {media} media "
                f"files into {file} ({file.stat().st_size:,} bytes)."
            )
        )
