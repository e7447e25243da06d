from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from byline.accounts.models import User
from byline.portability.exporting import export_zip


class Command(BaseCommand):
    help = (
        "Export stories as a zip of Markdown files with front matter (the import format), their "
        "images and a JSON record of comments and insights: one creator, or the whole site."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The zip file to write.")
        parser.add_argument("--author", help="Export only this creator's stories (a handle).")

    def handle(self, *args, file: Path, author: str | None, **options):
        authors = None
        if author:
            authors = User.objects.filter(username__iexact=author.lstrip("@"))
            if not authors.exists():
                raise CommandError(f"No creator with the handle {author!r}.")
        if file.suffix.lower() != ".zip":
            raise CommandError("The export file name must end in .zip.")
        partial = file.with_name(file.name + ".partial")
        try:
            with partial.open("wb") as out:
                count = export_zip(out, authors=authors)
            partial.replace(file)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {file}: {error.strerror}.") from None
        self.stdout.write(f"exported {count} stor{'y' if count == 1 else 'ies'} to {file}")
