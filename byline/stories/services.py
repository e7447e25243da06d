"""Writes to stories. Every change to a story's text goes through `story_render`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from byline.accounts.models import User
from byline.communities.models import Community
from byline.stories.models import MAX_TAGS, Story, StoryRevision, StorySlugRedirect, Tag
from byline.stories.reading import count_words, reading_minutes
from byline.stories.rendering import html_text_and_images, render_markdown


def story_render(*, story: Story) -> None:
    """Fill body_html, word_count and reading_minutes from the Markdown body (no save)."""
    story.body_html = render_markdown(story.body)
    text, images = html_text_and_images(story.body_html)
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


@transaction.atomic
def story_create(
    *,
    author: User,
    title: str,
    subtitle: str = "",
    body: str = "",
    community: Community | None = None,
    tags: Iterable[Tag] = (),
    hero_image=None,
    hero_image_caption: str = "",
    hero_image_credit: str = "",
    slug: str | None = None,
) -> Story:
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
    if hero_image is not None:
        story.hero_image = hero_image
    story_render(story=story)
    story.full_clean(exclude=["hero_image"])
    story.save()
    story.tags.set(tags)
    StoryRevision.objects.create(
        story=story, title=story.title, subtitle=story.subtitle, body=story.body, created_by=author
    )
    return story


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


def story_publish(*, story: Story, at: dt.datetime | None = None) -> Story:
    story.status = Story.Status.PUBLISHED
    story.published_at = story.published_at or at or timezone.now()
    story.rejection_reason = ""
    story.save(update_fields=["status", "published_at", "rejection_reason", "updated_at"])
    return story


# --- Story life cycle. Callers check the policies (byline.stories.policies) first; these
# functions guard the state machine too, raising ValidationError for a move that is not possible.


_UNSET = object()


@transaction.atomic
def story_update(
    *,
    story: Story,
    by: User,
    title: str | None = None,
    subtitle: str | None = None,
    body: str | None = None,
    community: Community | object | None = _UNSET,
    tags: Iterable[Tag] | None = None,
    hero_image_caption: str | None = None,
    hero_image_credit: str | None = None,
) -> Story:
    """Change the given fields (None: leave as is); keeps a revision when the text changes."""
    changed: list[str] = []
    for name, value in (
        ("title", title),
        ("subtitle", subtitle),
        ("body", body),
        ("hero_image_caption", hero_image_caption),
        ("hero_image_credit", hero_image_credit),
    ):
        if value is not None and getattr(story, name) != value:
            setattr(story, name, value)
            changed.append(name)
    if community is not _UNSET and story.community_id != getattr(community, "pk", None):
        story.community = community
        changed.append("community")
    text_changed = bool({"title", "subtitle", "body"} & set(changed))
    if "body" in changed:
        story_render(story=story)
        changed += ["body_html", "word_count", "reading_minutes"]
    if changed:
        story.full_clean(exclude=["hero_image"])
        story.save(update_fields=[*changed, "updated_at"])
    if tags is not None:
        story.tags.set(tags)
    if text_changed:
        StoryRevision.objects.create(
            story=story, title=story.title, subtitle=story.subtitle, body=story.body, created_by=by
        )
    return story


@transaction.atomic
def story_submit(*, story: Story, by: User) -> Story:
    """Send a draft (or a rejected story) to review; published at once when review is off."""
    from django.conf import settings

    if story.status not in (Story.Status.DRAFT, Story.Status.REJECTED):
        raise ValidationError("Only a draft or a rejected story can be submitted.")
    if not story.title.strip() or not story.body.strip():
        raise ValidationError("A story needs a title and a body before it is submitted.")
    if not settings.REVIEW:
        return story_publish(story=story)
    story.status = Story.Status.SUBMITTED
    story.save(update_fields=["status", "updated_at"])
    return story


@transaction.atomic
def story_approve(*, story: Story, by: User) -> Story:
    """A moderator publishes a submitted story; logged and the author is told."""
    from byline.moderation.models import ModerationAction
    from byline.moderation.services import moderation_log
    from byline.social.models import Notification
    from byline.social.services import notification_create

    if story.status != Story.Status.SUBMITTED:
        raise ValidationError("Only a submitted story can be approved.")
    story_publish(story=story)
    moderation_log(actor=by, action=ModerationAction.Action.APPROVE, target=story)
    notification_create(
        recipient=story.author,
        kind=Notification.Kind.MODERATION,
        actor=by,
        story=story,
        message=f"Your story “{story.title}” was approved and is published.",
    )
    return story


@transaction.atomic
def story_unpublish(*, story: Story, by: User, reason: str = "") -> Story:
    """Take a published story back to draft; by a moderator, logged and the author is told."""
    from byline.moderation.models import ModerationAction
    from byline.moderation.services import moderation_log
    from byline.social.models import Notification
    from byline.social.services import notification_create

    if story.status != Story.Status.PUBLISHED:
        raise ValidationError("Only a published story can be unpublished.")
    story.status = Story.Status.DRAFT
    story.save(update_fields=["status", "updated_at"])
    if by.pk != story.author_id:
        moderation_log(
            actor=by, action=ModerationAction.Action.UNPUBLISH, target=story, reason=reason
        )
        notification_create(
            recipient=story.author,
            kind=Notification.Kind.MODERATION,
            actor=by,
            story=story,
            message=f"Your story “{story.title}” was unpublished by a moderator.",
        )
    return story


@transaction.atomic
def story_delete(*, story: Story, by: User) -> None:
    """Delete a story with its comments, insights and images."""
    hero = story.hero_image.name if story.hero_image else ""
    storage = story.hero_image.storage
    story.delete()
    if hero:
        transaction.on_commit(lambda: storage.delete(hero))
