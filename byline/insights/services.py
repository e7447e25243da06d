"""Writes to reader insights. Every function checks the policy itself, so the site, the API and
the CLI behave the same; counters move with F() so parallel clicks cannot lose an update."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from byline.accounts.models import User
from byline.insights.labels import INSIGHT_BY_KEY, RATING_BY_KEY
from byline.insights.models import Insight, Rating
from byline.insights.policies import can_give_insights
from byline.social.models import Notification
from byline.social.services import notification_group_add
from byline.stories.models import Story


def _check(reader: User, story: Story) -> None:
    if not can_give_insights(reader, story):
        raise PermissionDenied("You cannot give insights on this story.")


def _bump(story: Story, delta: int) -> None:
    Story.objects.filter(pk=story.pk).update(insight_count=F("insight_count") + delta)


def _notify(story: Story, reader: User) -> None:
    """Group the author's insight notifications per story, counting distinct readers."""
    readers = (
        Rating.objects.filter(story=story)
        .values("reader_id")
        .union(Insight.objects.filter(story=story).values("reader_id"))
    )
    notification_group_add(
        recipient=story.author,
        kind=Notification.Kind.INSIGHT,
        actor=reader,
        story=story,
        actor_count=len(readers),
    )


def rating_set(*, story: Story, reader: User, value: str) -> Rating:
    """Give or change the reader's one overall rating. Idempotent."""
    _check(reader, story)
    if value not in RATING_BY_KEY:
        raise ValidationError("Choose one of the overall ratings.", code="rating")
    try:
        with transaction.atomic():
            rating, created = Rating.objects.get_or_create(
                story=story, reader=reader, defaults={"value": value}
            )
            if created:
                _bump(story, 1)
                _notify(story, reader)
    except IntegrityError:  # a parallel request created it first
        rating, created = Rating.objects.get(story=story, reader=reader), False
    if not created and rating.value != value:
        rating.value = value
        rating.save(update_fields=["value"])
    return rating


@transaction.atomic
def rating_remove(*, story: Story, reader: User) -> bool:
    """Take the rating back. True if there was one."""
    _check(reader, story)
    deleted, _ = Rating.objects.filter(story=story, reader=reader).delete()
    if deleted:
        _bump(story, -1)
    return bool(deleted)


def insight_add(*, story: Story, reader: User, kind: str) -> Insight:
    """Give one top insight (at most one of each kind per reader). Idempotent."""
    _check(reader, story)
    if kind not in INSIGHT_BY_KEY:
        raise ValidationError("Choose one of the top insights.", code="insight")
    try:
        with transaction.atomic():
            insight, created = Insight.objects.get_or_create(story=story, reader=reader, kind=kind)
            if created:
                _bump(story, 1)
                _notify(story, reader)
    except IntegrityError:  # a parallel request created it first
        insight = Insight.objects.get(story=story, reader=reader, kind=kind)
    return insight


@transaction.atomic
def insight_remove(*, story: Story, reader: User, kind: str) -> bool:
    """Take one top insight back. True if it was there."""
    _check(reader, story)
    deleted, _ = Insight.objects.filter(story=story, reader=reader, kind=kind).delete()
    if deleted:
        _bump(story, -1)
    return bool(deleted)
