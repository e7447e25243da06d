"""Images inserted in a story's text: uploading one (re-encoded, within the author's hourly
and storage quotas), linking the images a text uses, and deleting those no story uses."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from byline.accounts.models import User
from byline.core.images import clean_image, files_removed_on_failure
from byline.core.logs import security_event
from byline.stories import policies
from byline.stories.models import (
    Story,
    StoryImage,
    StoryRevision,
)
from byline.stories.references import inline_image_names


def _image_quota_check(*, author: User, adding: int = 0) -> None:
    """Raise ValidationError when `author` may not store another editor image of `adding` bytes:
    BYLINE_INLINE_IMAGES_PER_HOUR uploads an hour, BYLINE_MEDIA_QUOTA_MB bytes in all."""
    limit = settings.INLINE_IMAGES_PER_HOUR
    mine = StoryImage.objects.filter(author=author)
    recent = mine.filter(created_at__gte=timezone.now() - dt.timedelta(hours=1)).count()
    if recent >= limit:
        security_event("image_upload_throttled", outcome="refused", user=author, recent=recent)
        raise ValidationError(
            f"You can upload at most {limit} images an hour. Please try again later.",
            code="image_quota",
        )
    quota = settings.MEDIA_QUOTA_MB * 1024 * 1024
    if quota:
        used = mine.aggregate(total=Sum("size"))["total"] or 0
        if used + adding > quota:
            raise ValidationError(
                f"You have used {used / 1024 / 1024:.1f} MB of your "
                f"{settings.MEDIA_QUOTA_MB:,} MB of storage for images. Remove images from "
                "drafts you no longer need (unused images are deleted after "
                f"{settings.MEDIA_UNUSED_DAYS} days) or delete old drafts, then try again.",
                code="storage_quota",
            )


def story_image_upload(*, author: User, image: File) -> StoryImage:
    """Store an image for use inside a story body. Validated by content, renamed, rate limited
    (per hour) and limited in total bytes per account.

    The quotas count rows, so counting and adding must not interleave between two uploads of
    the same account (40 at once must store exactly the quota): the count and the insert run in
    one transaction holding a lock on the author's row. On PostgreSQL that serializes one
    account's uploads and nobody else's; SQLite's IMMEDIATE transactions serialize every writer
    anyway. A row lock rather than a cache counter because the quotas are sums over rows that
    also shrink (deleted images), which a counter would have to mirror.
    """
    policies.require(policies.can_write(author), author)
    _image_quota_check(author=author)  # cheap refusal before the decoding work
    cleaned = clean_image(image)  # the slow part, outside the lock
    with files_removed_on_failure(), transaction.atomic():
        list(User.objects.select_for_update().filter(pk=author.pk).values_list("pk"))
        _image_quota_check(author=author, adding=cleaned.content.size)
        story_image = StoryImage(author=author, size=cleaned.content.size)
        story_image.image.save(cleaned.name, cleaned.content, save=False)
        story_image.save()
    return story_image


def link_inline_images(story: Story) -> None:
    """Remember which editor images the story's current text uses (see StoryImage.stories)."""
    names = inline_image_names(story.body)
    if names:
        story.inline_images.add(*StoryImage.objects.filter(image__in=names))


def story_images_delete_unused(*, now: dt.datetime | None = None) -> int:
    """Delete editor images older than BYLINE_MEDIA_UNUSED_DAYS that no story or revision (of
    anyone) and no static page refers to, with their files and renditions, and at once those
    of deleted accounts that nothing refers to. Returns how many.

    The grace period covers images uploaded into text not saved yet (a draft being written, an
    edit of a published story kept in the browser until "Update story")."""
    from byline.accounts.models import DELETED_HANDLE
    from byline.core.models import StaticPage
    from byline.core.renditions import renditions_delete

    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.MEDIA_UNUSED_DAYS)
    # A deleted account's images get no grace period: nobody is writing with them any more.
    due = Q(created_at__lt=cutoff) | Q(author__username=DELETED_HANDLE)
    candidates = StoryImage.objects.filter(due, stories__isnull=True)
    deleted = 0
    for image in candidates.select_related(None).iterator():
        name = image.image.name
        # Texts written without the services (a static page, rows restored or loaded by hand).
        if (
            StaticPage.objects.filter(body__contains=name).exists()
            or Story.objects.filter(author_id=image.author_id, body__contains=name).exists()
            or StoryRevision.objects.filter(
                story__author_id=image.author_id, body__contains=name
            ).exists()
        ):
            continue
        with transaction.atomic():
            if not StoryImage.objects.filter(pk=image.pk, stories__isnull=True).exists():
                continue  # used meanwhile
            image.delete()
            renditions_delete(source_name=name)
            storage = image.image.storage
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        deleted += 1
    return deleted
