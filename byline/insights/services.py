"""Reader insights: one overall rating per reader and story, any number of top insights.
`Story.insight_count` counts the top insights and is kept with F() updates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from byline.accounts.models import User
from byline.insights.labels import INSIGHT_BY_KEY, RATING_BY_KEY
from byline.insights.models import Insight, Rating
from byline.stories.models import Story


@transaction.atomic
def rating_set(*, story: Story, reader: User, value: str) -> Rating:
    """Give or change the reader's one overall rating. Idempotent."""
    if value not in RATING_BY_KEY:
        raise ValidationError(f"Unknown rating {value!r}.")
    rating, _ = Rating.objects.update_or_create(
        story=story, reader=reader, defaults={"value": value}
    )
    return rating


@transaction.atomic
def rating_remove(*, story: Story, reader: User) -> bool:
    deleted, _ = Rating.objects.filter(story=story, reader=reader).delete()
    return bool(deleted)


def insight_add(*, story: Story, reader: User, kind: str) -> Insight:
    """Give one top insight; giving it again changes nothing."""
    if kind not in INSIGHT_BY_KEY:
        raise ValidationError(f"Unknown insight {kind!r}.")
    existing = Insight.objects.filter(story=story, reader=reader, kind=kind).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            insight = Insight.objects.create(story=story, reader=reader, kind=kind)
            Story.objects.filter(pk=story.pk).update(insight_count=F("insight_count") + 1)
    except IntegrityError:  # the same reader, twice at once
        return Insight.objects.get(story=story, reader=reader, kind=kind)
    return insight


@transaction.atomic
def insight_remove(*, story: Story, reader: User, kind: str) -> bool:
    deleted, _ = Insight.objects.filter(story=story, reader=reader, kind=kind).delete()
    if deleted:
        Story.objects.filter(pk=story.pk, insight_count__gt=0).update(
            insight_count=F("insight_count") - 1
        )
    return bool(deleted)
