"""Import a zip in the export format (exporting.py), safely.

An uploaded zip is never trusted: member names are only matched against the export layout (the
file written is named by us, so no path can leave the folder), members, sizes and the total
uncompressed size are limited, and every image passes byline.core.images.clean_image on import.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from byline.accounts.models import RESERVED_HANDLES, User
from byline.accounts.names import (
    clean_display_name,
    clean_handle,
    is_reserved_handle,
    substitute_handle,
)
from byline.comments.models import BODY_MAX_LENGTH as COMMENT_MAX_LENGTH
from byline.comments.models import Comment
from byline.core.rendering import render_comment
from byline.core.text import is_storable
from byline.portability.exporting import EXPORT_FORMAT
from byline.stories.importer import (
    MAX_FILE_BYTES,
    ImportResult,
    StoryImportError,
    import_story,
    parse_story_file,
)
from byline.stories.models import Story

MAX_MEMBERS = 2000
MAX_STORIES = 1000
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RECORD_BYTES = 64 * 1024 * 1024
COMMENTER_RE = re.compile(r"^[a-z0-9_]{2,30}\Z")
MEMBER_RE = re.compile(
    r"^stories/(?P<handle>[a-z0-9_]{2,30})/(?P<slug>[a-z0-9][a-z0-9-]{0,159})"
    r"\.(?P<ext>md|jpg|jpeg|png|gif|webp)\Z"
)


class ArchiveError(Exception):
    """The upload as a whole is refused (not a zip, too big, too many files...)."""


@dataclass
class ImportReport:
    results: list[ImportResult] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)  # the file of each result
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for result in self.results if result.created)

    @property
    def existing(self) -> int:
        return len(self.results) - self.created


def _copy_limited(source: BinaryIO, target: Path, limit: int, name: str) -> int:
    """Copy at most `limit` bytes (the sizes in a zip's directory can lie)."""
    written = 0
    with target.open("wb") as sink:
        while chunk := source.read(64 * 1024):
            written += len(chunk)
            if written > limit:
                raise ArchiveError(f"{name} is larger than {limit // 1024:,} KB.")
            sink.write(chunk)
    return written


def extract_archive(fileobj: BinaryIO, folder: Path, *, max_total: int = MAX_TOTAL_BYTES):
    """Unpack the members that fit the export layout into `folder`; (story files, skipped)."""
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ArchiveError("This file is not a zip archive.") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ArchiveError(f"The archive has more than {MAX_MEMBERS:,} files.")
        if sum(member.file_size for member in members) > max_total:
            raise ArchiveError(
                f"The archive unpacks to more than {max_total // (1024 * 1024):,} MB."
            )
        stories, skipped, total = [], [], 0
        for member in members:
            if member.is_dir():
                continue
            if member.filename == "engagement.json":
                with archive.open(member) as source:
                    total += _copy_limited(
                        source, folder / "engagement.json", MAX_RECORD_BYTES, "engagement.json"
                    )
                continue
            match = MEMBER_RE.match(member.filename)
            if match is None:
                skipped.append(member.filename[:200])
                continue
            if member.flag_bits & 0x1:
                raise ArchiveError(f"{match.group(0)} is encrypted.")
            is_story = match["ext"] == "md"
            if is_story and len(stories) >= MAX_STORIES:
                raise ArchiveError(f"The archive has more than {MAX_STORIES:,} stories.")
            limit = MAX_FILE_BYTES if is_story else settings.IMAGE_MAX_BYTES
            # Our own name, built from the checked parts: nothing in the member name is used raw.
            target = folder / match["handle"] / f"{match['slug']}.{match['ext']}"
            target.parent.mkdir(exist_ok=True)
            try:
                with archive.open(member) as source:
                    total += _copy_limited(source, target, limit, match.group(0))
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
                raise ArchiveError(f"{match.group(0)} is damaged and cannot be read.") from None
            if total > max_total:
                raise ArchiveError(
                    f"The archive unpacks to more than {max_total // (1024 * 1024):,} MB."
                )
            if is_story:
                stories.append(target)
    return sorted(stories), skipped


def _commenter(handle: str, name: str) -> User:
    handle = clean_handle(handle)
    user = User.objects.filter(username=handle).first()
    if user is None and is_reserved_handle(handle, RESERVED_HANDLES):
        # Never a new account under a reserved handle: a stand-in, the same on every restore.
        handle = substitute_handle(handle)
        user = User.objects.filter(username=handle).first()
    if user is None:
        if not COMMENTER_RE.match(handle):
            raise ValueError(f"bad commenter handle {handle!r}")
        user = User(username=handle, display_name=clean_display_name(str(name))[:80])
        user.set_unusable_password()
        user.save()
    return user


def _moment(value) -> dt.datetime | None:
    if value in (None, ""):
        return None
    moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


@transaction.atomic
def restore_comments(record: dict, stories: dict[str, Story]) -> int:
    """Recreate the comments of `engagement.json` on the newly imported `stories` (by file).
    Checked whole first: a bad entry raises ValueError and restores nothing."""
    if not isinstance(record, dict) or record.get("format") != EXPORT_FORMAT:
        raise ValueError("not a Byline export record")
    made = 0
    for entry in record.get("stories") or []:
        story = stories.get(entry.get("file"))
        if story is None:
            continue
        numbered: dict[int, Comment] = {}
        for item in entry.get("comments") or []:
            body = str(item["body"]).strip()
            name = str(item.get("author", ""))
            if not (is_storable(body) and is_storable(name)):
                raise ValueError(f"comment {item.get('id')} in {entry['file']} holds a NUL")
            if not body or len(body) > COMMENT_MAX_LENGTH:
                raise ValueError(f"comment {item.get('id')} in {entry['file']} has a bad body")
            comment = Comment.objects.create(
                story=story,
                author=_commenter(str(item["author_handle"]), name),
                parent=numbered.get(item.get("parent")),
                body=body,
                body_html=render_comment(body),
                created_at=_moment(item.get("created_at")) or timezone.now(),
                edited_at=_moment(item.get("edited_at")),
            )
            numbered[int(item["id"])] = comment
        if numbered:
            Story.objects.filter(pk=story.pk).update(
                comment_count=F("comment_count") + len(numbered)
            )
            made += len(numbered)
    return made


def import_files(
    paths: Iterable[Path],
    *,
    root: Path | None = None,
    author: User | None = None,
    as_draft: bool = False,
    create_communities: bool = True,
) -> ImportReport:
    report = ImportReport()
    for path in paths:
        try:
            parsed = parse_story_file(path, root=root)
            report.results.append(
                import_story(
                    parsed,
                    author=author,
                    as_draft=as_draft,
                    create_communities=create_communities,
                )
            )
            report.paths.append(path)
        except StoryImportError as error:
            shown = path.relative_to(root) if root and path.is_relative_to(root) else path.name
            report.errors.append(
                f"{shown}: {error.message}" + (f" (field '{error.field}')" if error.field else "")
            )
    return report


def import_upload(
    fileobj: BinaryIO,
    *,
    filename: str,
    author: User | None = None,
    as_draft: bool = False,
    create_communities: bool = True,
    max_total: int = MAX_TOTAL_BYTES,
) -> ImportReport:
    """Import an export zip or a single Markdown file (by content, not by name)."""
    with tempfile.TemporaryDirectory(prefix="byline-import-") as tmp:
        folder = Path(tmp).resolve()
        head = fileobj.read(4)
        fileobj.seek(0)
        if head.startswith(b"PK"):
            paths, skipped = extract_archive(fileobj, folder, max_total=max_total)
            if not paths:
                raise ArchiveError(
                    "The archive holds no stories (expected stories/<handle>/<slug>.md files)."
                )
        else:
            paths, skipped = [folder / "story.md"], []
            _copy_limited(fileobj, paths[0], MAX_FILE_BYTES, filename[:100] or "the file")
        report = import_files(
            paths,
            root=folder,
            author=author,
            as_draft=as_draft,
            create_communities=create_communities,
        )
        report.skipped = skipped
        record = folder / "engagement.json"
        if author is None and record.is_file():
            # A site moving house keeps its conversations; a creator's upload does not bring
            # other people's words along under their names.
            created = {
                f"stories/{path.parent.name}/{path.stem}.md": result.story
                for path, result in zip(report.paths, report.results, strict=True)
                if result.created
            }
            try:
                restore_comments(json.loads(record.read_text(encoding="utf-8")), created)
            except (ValueError, TypeError, KeyError, AttributeError) as error:
                report.errors.append(f"engagement.json: comments not restored ({error}).")
        return report
