"""Import stories from Markdown files with YAML front matter (the format of seed-story.md).

A file is checked whole before anything is written: a bad file raises StoryImportError naming the
file and the field, and leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from byline.accounts.models import RESERVED_HANDLES, User, handle_validator
from byline.accounts.names import (
    clean_display_name,
    clean_handle,
    is_reserved_handle,
    substitute_handle,
)
from byline.communities.models import Community
from byline.core.images import clean_image, files_removed_on_failure
from byline.core.text import is_storable
from byline.stories.lifecycle import story_publish
from byline.stories.models import (
    BODY_MAX_LENGTH,
    CAPTION_MAX_LENGTH,
    CREDIT_MAX_LENGTH,
    MAX_TAGS,
    SUBTITLE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Story,
)
from byline.stories.services import story_create, story_render, tags_from_names

MAX_FILE_BYTES = 1024 * 1024
KNOWN_FIELDS = {
    "title",
    "subtitle",
    "author",
    "author_handle",
    "author_bio",
    "author_website",
    "community",
    "community_description",
    "tags",
    "hero_image",
    "hero_image_caption",
    "hero_image_credit",
    "published_at",
    "status",
    "slug",
}


class StoryImportError(Exception):
    def __init__(self, path: Path, message: str, field: str | None = None) -> None:
        self.path, self.field, self.message = path, field, message
        where = f"{path}: field '{field}'" if field else str(path)
        super().__init__(f"{where}: {message}")


@dataclass
class StoryFile:
    path: Path
    title: str
    author_name: str
    author_handle: str
    body: str
    subtitle: str = ""
    author_bio: str = ""
    author_website: str = ""
    community: str = ""
    community_description: str = ""
    tags: list[str] = field(default_factory=list)
    hero_image: Path | None = None
    hero_image_caption: str = ""
    hero_image_credit: str = ""
    published_at: dt.datetime | None = None
    draft: bool = False
    slug: str = ""


# YAML escapes ("\\0", "\\ud800") and raw NUL bytes make text that no database takes.
UNSTORABLE = "holds a character that cannot be stored (a NUL byte or a lone surrogate)."


def _text(path: Path, meta: dict, name: str, *, limit: int, required: bool = False) -> str:
    value = meta.get(name)
    if value is None or value == "":
        if required:
            raise StoryImportError(path, "is required.", name)
        return ""
    if not isinstance(value, (str, int, float)):
        raise StoryImportError(path, "must be text.", name)
    value = " ".join(str(value).split())
    if len(value) > limit:
        raise StoryImportError(
            path, f"is {len(value)} characters long; the limit is {limit}.", name
        )
    return value


def handle_for(name: str) -> str:
    handle = slugify(name).replace("-", "_")[:30].strip("_")
    return handle if len(handle) >= 2 else f"creator_{secrets.token_hex(3)}"


def parse_story_file(path: Path, *, root: Path | None = None) -> StoryFile:
    """Read and check one file; raises StoryImportError, writes nothing.

    With `root` (uploads), a hero image must be a file inside that folder: a file cannot point
    the importer at anything else on the server.
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise StoryImportError(path, f"the file is larger than {MAX_FILE_BYTES // 1024} KB.")
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StoryImportError(path, "no such file.") from None
    except UnicodeDecodeError:
        raise StoryImportError(path, "the file is not UTF-8 text.") from None
    except IsADirectoryError:
        raise StoryImportError(path, "is a folder, not a file.") from None
    raw = raw.lstrip("\ufeff")
    if not raw.startswith("---"):
        raise StoryImportError(
            path, "the file must start with YAML front matter between '---' lines."
        )
    # Split at the first closing line only: the body may contain Markdown rules ("---").
    parts = raw.split("\n---", 1)
    if len(parts) < 2:
        raise StoryImportError(path, "the front matter is not closed by a '---' line.")
    front, body = parts[0][3:], parts[1]
    body = body.split("\n", 1)[1] if "\n" in body else ""
    try:
        meta = yaml.safe_load(front) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        raise StoryImportError(path, f"the front matter is not valid YAML{where}.") from None
    if not isinstance(meta, dict):
        raise StoryImportError(path, "the front matter must be a list of 'field: value' lines.")
    unknown = sorted(set(map(str, meta)) - KNOWN_FIELDS)
    if unknown:
        raise StoryImportError(path, "is not a field this format knows.", unknown[0])
    for name, value in meta.items():
        values = value if isinstance(value, list) else [value]
        if not all(is_storable(item) for item in values if isinstance(item, str)):
            raise StoryImportError(path, UNSTORABLE, str(name))

    body = body.strip("\n")
    if not is_storable(body):
        raise StoryImportError(path, f"the body {UNSTORABLE}")
    if not body.strip():
        raise StoryImportError(path, "the story has no body text after the front matter.")
    if len(body) > BODY_MAX_LENGTH:
        raise StoryImportError(path, f"the body is longer than {BODY_MAX_LENGTH:,} characters.")

    author_name = clean_display_name(_text(path, meta, "author", limit=80, required=True))
    if not author_name:
        raise StoryImportError(path, "is required.", "author")
    author_handle = clean_handle(_text(path, meta, "author_handle", limit=30)) or handle_for(
        author_name
    )
    try:
        handle_validator(author_handle)
    except ValidationError:
        raise StoryImportError(
            path, "must be 2-30 lowercase letters, digits or underscores.", "author_handle"
        ) from None
    website = _text(path, meta, "author_website", limit=200)
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            raise StoryImportError(path, "must be an http(s) URL.", "author_website") from None

    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [item for item in tags.split(",")]
    if not isinstance(tags, list) or not all(isinstance(tag, (str, int)) for tag in tags):
        raise StoryImportError(path, "must be a list of tag names.", "tags")
    tags = [" ".join(str(tag).split()) for tag in tags if str(tag).strip()]
    if len(tags) > MAX_TAGS:
        raise StoryImportError(
            path, f"has {len(tags)} tags; at most {MAX_TAGS} are allowed.", "tags"
        )
    if any(len(tag) > 40 or not slugify(tag) for tag in tags):
        raise StoryImportError(
            path, "each tag needs letters or digits and at most 40 characters.", "tags"
        )

    published_at = meta.get("published_at")
    if published_at is not None and published_at != "":
        if isinstance(published_at, dt.date) and not isinstance(published_at, dt.datetime):
            published_at = dt.datetime.combine(published_at, dt.time(9, 0))
        if isinstance(published_at, str):
            try:
                published_at = dt.datetime.fromisoformat(published_at.replace("Z", "+00:00"))
            except ValueError:
                raise StoryImportError(
                    path, "must be a date and time like 2026-05-01T09:30:00Z.", "published_at"
                ) from None
        if not isinstance(published_at, dt.datetime):
            raise StoryImportError(
                path, "must be a date and time like 2026-05-01T09:30:00Z.", "published_at"
            )
        if timezone.is_naive(published_at):
            published_at = timezone.make_aware(published_at, dt.UTC)
    else:
        published_at = None

    status = str(meta.get("status") or "published").lower()
    if status not in {"published", "draft"}:
        raise StoryImportError(path, "must be 'published' or 'draft'.", "status")

    hero = None
    if meta.get("hero_image"):
        if not isinstance(meta["hero_image"], str):
            raise StoryImportError(path, "must be a path to an image file.", "hero_image")
        hero = (path.parent / meta["hero_image"]).resolve()
        if root is not None and not hero.is_relative_to(Path(root).resolve()):
            raise StoryImportError(path, "must be an image file inside the upload.", "hero_image")
        if not hero.is_file():
            raise StoryImportError(path, f"no image file at {hero}.", "hero_image")

    slug = _text(path, meta, "slug", limit=160)
    if slug and slugify(slug) != slug:
        raise StoryImportError(
            path, "must contain only lowercase letters, digits and hyphens.", "slug"
        )

    return StoryFile(
        path=path,
        title=_text(path, meta, "title", limit=TITLE_MAX_LENGTH, required=True),
        subtitle=_text(path, meta, "subtitle", limit=SUBTITLE_MAX_LENGTH),
        author_name=author_name,
        author_handle=author_handle,
        author_bio=str(meta.get("author_bio") or "").strip()[:600],
        author_website=website,
        community=_text(path, meta, "community", limit=80),
        community_description=_text(path, meta, "community_description", limit=500),
        tags=tags,
        hero_image=hero,
        hero_image_caption=_text(path, meta, "hero_image_caption", limit=CAPTION_MAX_LENGTH),
        hero_image_credit=_text(path, meta, "hero_image_credit", limit=CREDIT_MAX_LENGTH),
        published_at=published_at,
        draft=status == "draft",
        slug=slug,
        body=body,
    )


@dataclass
class ImportResult:
    story: Story
    created: bool


def _author(parsed: StoryFile) -> User:
    """The account the file names: an existing one by handle, or a new one. A new account never
    gets a reserved handle (or a look-alike): it gets a stand-in `substitute_handle` instead."""
    handle = parsed.author_handle
    user = User.objects.filter(username=handle).first()
    if user is None and is_reserved_handle(handle, RESERVED_HANDLES):
        handle = substitute_handle(handle)
        user = User.objects.filter(username=handle).first()
    if user is None:
        user = User(
            username=handle,
            display_name=parsed.author_name,
            bio=parsed.author_bio,
            website=parsed.author_website,
        )
        user.set_unusable_password()
        user.save()
    return user


def _community(parsed: StoryFile, *, create: bool = True) -> Community | None:
    if not parsed.community:
        return None
    community = Community.objects.filter(name__iexact=parsed.community).first()
    if community is None and create:
        base = slugify(parsed.community)[:70] or "community"
        slug, n = base, 2
        while Community.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        community = Community.objects.create(
            name=parsed.community, slug=slug, description=parsed.community_description
        )
    return community


def import_story(
    parsed: StoryFile,
    *,
    author: User | None = None,
    as_draft: bool = False,
    create_communities: bool = True,
) -> ImportResult:
    """Create the story (and its author, community and tags when new). Idempotent: a story with
    the same author and title-derived address is found again, not duplicated.

    A creator's own upload passes `author` (the file's author fields are then ignored: nobody
    imports as someone else), `as_draft` (review still applies) and `create_communities=False`
    (an upload links only to communities that exist)."""
    hero = None
    if parsed.hero_image is not None:
        try:
            with parsed.hero_image.open("rb") as handle:
                hero = clean_image(handle)
        except ValidationError as error:
            raise StoryImportError(parsed.path, error.messages[0], "hero_image") from None

    with files_removed_on_failure(), transaction.atomic():
        author = author or _author(parsed)
        slug = parsed.slug or slugify(parsed.title)[:150].strip("-") or "story"
        existing = Story.objects.filter(author=author, slug=slug).first()
        if existing is not None:
            return ImportResult(story=existing, created=False)
        story = story_create(
            author=author,
            title=parsed.title,
            subtitle=parsed.subtitle,
            body=parsed.body,
            community=_community(parsed, create=create_communities),
            tags=tags_from_names(parsed.tags),
            hero_image_caption=parsed.hero_image_caption,
            hero_image_credit=parsed.hero_image_credit,
            slug=slug,
            check_quota=False,  # an operator's import, not a new account's spam
        )
        if hero is not None:
            try:
                story.hero_image.save(hero.name, hero.content, save=False)
            except ValidationError as error:  # the disk is full: nothing of this story stays
                raise StoryImportError(parsed.path, error.messages[0], "hero_image") from None
            story.hero_width, story.hero_height = hero.width, hero.height
            story_render(story=story)
            story.save()
        if not parsed.draft and not as_draft:
            story_publish(story=story, at=parsed.published_at or timezone.now())
    return ImportResult(story=story, created=True)
