"""Writes to stories. Every change to a story's text goes through `story_render`.

Each service checks its policy (byline.stories.policies) and raises PermissionDenied when the
user may not act, and ValidationError (with a message meant for the user) when the input breaks a
limit, so the site, the API and the CLI behave identically. Side effects (e-mail) run after
commit through Django's tasks API, by way of the outbox (byline.core.outbox), so a queue outage
loses none of them.

Editing a published story: the change goes live at once, like on Medium, Ghost or WordPress. The
story was already approved, its author is known, every change is kept as a revision that
moderators can inspect, and a moderator can unpublish it (logged) if an edit abuses that trust.
Sending every typo fix back into the queue would take live stories offline for hours and teach
authors not to correct mistakes. Autosave is therefore off for published stories: their edits
are saved only when the author presses "Update story" (the browser keeps a local copy meanwhile).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from byline.accounts.models import User
from byline.communities.models import Community
from byline.core.images import CleanImage, clean_image
from byline.core.logs import security_event
from byline.core.rendering import excerpt, html_text_and_images, render_markdown
from byline.core.transitions import Conflict, hold, lock_if
from byline.stories import policies
from byline.stories.images import link_inline_images
from byline.stories.models import (
    MAX_TAGS,
    Story,
    StoryRevision,
    StorySlugRedirect,
    Tag,
)
from byline.stories.reading import count_words, reading_minutes

# Autosaves less than this far apart update one revision instead of adding one each.
REVISION_COALESCE = dt.timedelta(minutes=5)


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


# What story_update writes (the text, its rendering and the story's details).
EDITABLE_FIELDS = [
    "title",
    "subtitle",
    "body",
    "body_html",
    "body_text",
    "excerpt",
    "word_count",
    "reading_minutes",
    "community",
    "hero_image",
    "hero_width",
    "hero_height",
    "hero_image_caption",
    "hero_image_credit",
    "version",
    "updated_at",
]

#: Default of story_update's optional arguments: leave that field as it is.
UNCHANGED: Any = _Unchanged()


class StoryEditConflict(Conflict):
    """A save started from an older version of the story's text than the one saved now (another
    window, device or API client saved in between). Nothing was written; `current` is the story
    as saved now, for showing both versions."""

    def __init__(self, *, current: Story, expected_version: int) -> None:
        self.current, self.expected_version = current, expected_version
        super().__init__(
            "This story was changed in another window or device after you opened it "
            f"(you started from version {expected_version}, the saved one is version "
            f"{current.version}). Nothing was overwritten.",
            code="edit_conflict",
        )


def _claim_version(
    *, story: Story, expected_version: int | None, title: str, subtitle: str, body: str
) -> None:
    """Lock the story's row for the rest of the transaction and give `story` the next version.

    With `expected_version` (what the editor or client started from), refuse with
    StoryEditConflict when the saved version is another one and its text differs from the text
    being saved; the same text saved twice (a double click, an identical autosave from an old
    window) is no conflict."""
    if expected_version is not None and lock_if(story, {"version": expected_version}):
        story.version = expected_version + 1
        return
    version, *text = hold(story, "version", "title", "subtitle", "body")
    if expected_version is not None and tuple(text) != (title, subtitle, body):
        current = Story.objects.select_related("author", "community").get(pk=story.pk)
        raise StoryEditConflict(current=current, expected_version=expected_version)
    story.version = version + 1


def story_render(*, story: Story) -> None:
    """Fill body_html, its plain text and excerpt, word_count and reading_minutes from the
    Markdown body (no save)."""
    story.body_html = render_markdown(story.body)
    text, images = html_text_and_images(story.body_html)
    story.body_text, story.excerpt = text, excerpt(text)
    words, cjk = count_words(text)
    story.word_count = words
    images += 1 if story.hero_image else 0
    story.reading_minutes = reading_minutes(words=words, cjk_characters=cjk, images=images)


def unique_slug(*, author: User, title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:150].strip("-") or "story"
    taken = set(
        Story.objects.filter(author=author, slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    ) | set(
        StorySlugRedirect.objects.filter(author=author, old_slug__startswith=base)
        .exclude(story_id=exclude_pk)
        .values_list("old_slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def tags_from_names(names: Iterable[str]) -> list[Tag]:
    """Existing tags by name (case-insensitive), creating the missing ones. At most MAX_TAGS."""
    tags: list[Tag] = []
    for raw in names:
        name = " ".join(str(raw).split())[:40]
        slug = slugify(name)[:50]
        if not name or not slug or any(tag.slug == slug for tag in tags):
            continue
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.create(name=name, slug=slug)
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValueError(f"A story can have at most {MAX_TAGS} tags.")
    return tags


def story_draft_quota_check(*, author: User) -> None:
    """New accounts may start only so many stories per hour (spam brake). Raises ValidationError.

    Counted under a lock on the author's row (byline.core.transitions.hold), so simultaneous
    requests count one another's drafts: call it inside the transaction that creates the draft."""
    age = timezone.now() - author.date_joined
    if age >= dt.timedelta(days=settings.NEW_ACCOUNT_DAYS):
        return
    hold(author)
    limit = settings.NEW_ACCOUNT_DRAFTS_PER_HOUR
    recent = Story.objects.filter(
        author=author, created_at__gte=timezone.now() - dt.timedelta(hours=1)
    ).count()
    if recent >= limit:
        security_event("draft_throttled", outcome="refused", user=author, recent=recent)
        raise ValidationError(
            f"New accounts can start at most {limit} stories an hour. "
            "Please finish one of your drafts, or try again later.",
            code="draft_quota",
        )


def _clean_tags(tags: Iterable[Tag]) -> list[Tag]:
    tags = list(dict.fromkeys(tags))
    if len(tags) > MAX_TAGS:
        raise ValidationError(f"A story can have at most {MAX_TAGS} tags.", code="max_tags")
    return tags


def _forget_hero_file(story: Story) -> None:
    """Delete a replaced hero image's file once the change is committed (never before)."""
    if story.pk and story.hero_image:
        name, storage = story.hero_image.name, story.hero_image.storage
        transaction.on_commit(lambda: storage.delete(name))


def _set_hero(story: Story, image: File | CleanImage | None) -> None:
    """Validate (by content) and attach a hero image under a name we choose; None removes it."""
    if image is None:
        _forget_hero_file(story)
        story.hero_image = None
        story.hero_width = story.hero_height = None
        return
    cleaned = image if isinstance(image, CleanImage) else clean_image(image)
    _forget_hero_file(story)
    name = f"{secrets.token_urlsafe(12)}.{cleaned.extension}"
    story.hero_image.save(name, cleaned.content, save=False)
    story.hero_width, story.hero_height = cleaned.width, cleaned.height


def revision_record(*, story: Story, by: User | None, autosave: bool = False) -> StoryRevision:
    """Keep the story's current text as a revision.

    Autosaves by the same person within REVISION_COALESCE update the latest autosave revision, so
    typing for an hour leaves about a dozen revisions rather than a thousand. A save that changes
    nothing adds nothing (an explicit save turns an autosave revision into a kept one).
    """
    link_inline_images(story)
    latest = story.revisions.order_by("-created_at", "-id").first()
    same_text = latest is not None and (latest.title, latest.subtitle, latest.body) == (
        story.title,
        story.subtitle,
        story.body,
    )
    if same_text:
        if latest.is_autosave and not autosave:
            latest.is_autosave = False
            latest.save(update_fields=["is_autosave"])
        return latest
    if (
        autosave
        and latest is not None
        and latest.is_autosave
        and latest.created_by_id == (by.pk if by else None)
        and timezone.now() - latest.created_at < REVISION_COALESCE
    ):
        latest.title, latest.subtitle, latest.body = story.title, story.subtitle, story.body
        latest.save(update_fields=["title", "subtitle", "body"])
        return latest
    return StoryRevision.objects.create(
        story=story,
        title=story.title,
        subtitle=story.subtitle,
        body=story.body,
        created_by=by,
        is_autosave=autosave,
    )


@transaction.atomic
def story_create(
    *,
    author: User,
    title: str,
    subtitle: str = "",
    body: str = "",
    community: Community | None = None,
    tags: Iterable[Tag] = (),
    hero_image: File | CleanImage | None = None,
    hero_image_caption: str = "",
    hero_image_credit: str = "",
    slug: str | None = None,
    check_quota: bool = True,
    autosave: bool = False,
) -> Story:
    """A new draft by `author`. `check_quota=False` is for trusted operator imports only."""
    policies.require(policies.can_write(author), author)
    if check_quota:
        story_draft_quota_check(author=author)
    story = Story(
        author=author,
        title=title,
        subtitle=subtitle,
        body=body,
        community=community,
        hero_image_caption=hero_image_caption,
        hero_image_credit=hero_image_credit,
        slug=slug or unique_slug(author=author, title=title),
    )
    tags = _clean_tags(tags)
    story.full_clean(exclude=["hero_image"])
    if hero_image is not None:
        _set_hero(story, hero_image)
    story_render(story=story)
    story.save()
    story.tags.set(tags)
    revision_record(story=story, by=author, autosave=autosave)
    return story


@transaction.atomic
def story_update(
    *,
    story: Story,
    by: User,
    title: str = UNCHANGED,
    subtitle: str = UNCHANGED,
    body: str = UNCHANGED,
    community: Community | None = UNCHANGED,
    tags: Iterable[Tag] = UNCHANGED,
    hero_image: File | CleanImage | None = UNCHANGED,
    hero_image_caption: str = UNCHANGED,
    hero_image_credit: str = UNCHANGED,
    autosave: bool = False,
    expected_version: int | None = None,
) -> Story:
    """Change a story's text and details (only the arguments given). Keeps a revision.

    `expected_version` is the version of the text the change was made on (the editor's page,
    an API client's copy): when the story was saved since with other text, nothing is written
    and StoryEditConflict says so. Without it (operators' tools), the change applies as it is.
    A published story's title change moves it to a new address; the old one keeps redirecting.
    """
    policies.require(policies.can_edit_story(by, story), by)
    if autosave and story.status == Story.Status.PUBLISHED:
        raise ValidationError(
            "Published stories are saved only when you press “Update story”.", code="autosave"
        )
    _claim_version(
        story=story,
        expected_version=expected_version,
        title=story.title if title is UNCHANGED else title,
        subtitle=story.subtitle if subtitle is UNCHANGED else subtitle,
        body=story.body if body is UNCHANGED else body,
    )
    old_title = story.title
    changes = {
        "title": title,
        "subtitle": subtitle,
        "body": body,
        "community": community,
        "hero_image_caption": hero_image_caption,
        "hero_image_credit": hero_image_credit,
    }
    for name, value in changes.items():
        if value is not UNCHANGED:
            setattr(story, name, value)
    if tags is not UNCHANGED:
        tags = _clean_tags(tags)
    # Field limits only: author and community are model instances already, and the slug is
    # chosen below by unique_slug (full_clean would re-query all three).
    story.clean_fields(exclude=["hero_image", "slug", "author", "community"])
    if hero_image is not UNCHANGED:
        _set_hero(story, hero_image)
    story_render(story=story)
    new_slug = None
    if story.title != old_title and slugify(story.title) != slugify(old_title):
        new_slug = unique_slug(author=story.author, title=story.title, exclude_pk=story.pk)
    was_public = story.status == Story.Status.PUBLISHED or story.published_at is not None
    fields = list(EDITABLE_FIELDS)
    if new_slug and not was_public:
        story.slug = new_slug  # never seen by readers: no redirect needed
        fields.append("slug")
    # Never a full save: the engagement counters are kept by F() updates elsewhere and a stale
    # copy of them must not be written back.
    story.save(update_fields=fields)
    if new_slug and was_public:
        story_change_slug(story=story, slug=new_slug)  # the old address keeps redirecting
    if tags is not UNCHANGED:
        story.tags.set(tags)
    revision_record(story=story, by=by, autosave=autosave)
    return story


@transaction.atomic
def story_revision_restore(*, revision: StoryRevision, by: User) -> Story:
    """Put an earlier revision's text back; this itself becomes the newest revision."""
    story = revision.story
    return story_update(
        story=story, by=by, title=revision.title, subtitle=revision.subtitle, body=revision.body
    )


@transaction.atomic
def story_change_slug(*, story: Story, slug: str) -> Story:
    """Rename a story's address; the old one keeps redirecting."""
    if slug == story.slug:
        return story
    StorySlugRedirect.objects.filter(author_id=story.author_id, old_slug=slug).delete()
    StorySlugRedirect.objects.get_or_create(
        author_id=story.author_id, old_slug=story.slug, defaults={"story": story}
    )
    story.slug = slug
    story.save(update_fields=["slug", "updated_at"])
    return story
