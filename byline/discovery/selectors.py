"""Reads for home and explore. Every list is a keyset page over an index (see migration 0002
and the EXPLAIN tests); the expensive aggregates (story counts per community, popular tags)
are denormalised columns (Community.story_count, Tag.story_count; see counts.py), so no
request counts stories."""

from __future__ import annotations

import datetime as dt

from django.db.models.functions import Coalesce
from django.utils import timezone

from byline.communities.models import Community
from byline.core.pagination import KeysetPage, keyset_page
from byline.discovery.models import StaffPick
from byline.stories.models import Story, Tag

FEATURED_LIMIT = 4
TOP_PERIODS = {"week": dt.timedelta(days=7), "month": dt.timedelta(days=30), "all": None}


def stories_latest(*, cursor: str | None, size: int, community=None, tag=None) -> KeysetPage:
    stories = Story.objects.published().for_cards()
    if community is not None:
        stories = stories.filter(community=community)
    if tag is not None:
        stories = stories.tagged(tag)
    return keyset_page(stories, cursor=cursor, size=size, ids_first=tag is not None)


def stories_trending(*, cursor: str | None, size: int) -> KeysetPage:
    """Hottest first (story_trending_idx). Scores are refreshed by `trending_recompute`."""
    stories = Story.objects.published().filter(trending_score__gt=0).for_cards()
    return keyset_page(stories, cursor=cursor, size=size, field="trending_score")


def stories_top(*, period: str, cursor: str | None, size: int) -> KeysetPage:
    """Most liked first, among stories published in the last week, month, or ever.

    All time walks story_top_idx (status, like_count, id); week and month read the period's
    stories through story_feed_idx and sort them (a bounded set)."""
    span, now = TOP_PERIODS[period], timezone.now()
    if span is not None:
        stories = Story.objects.published().filter(published_at__gte=now - span)
    else:
        # The "not scheduled for later" condition is wrapped so that no planner mistakes it for
        # a range worth walking story_feed_idx for (SQLite does, then sorts a million rows):
        # the list must walk story_top_idx in order and stop after one page.
        stories = (
            Story.objects.filter(status=Story.Status.PUBLISHED)
            .alias(visible_from=Coalesce("published_at", "published_at"))
            .filter(visible_from__lte=now)
        )
    return keyset_page(stories.for_cards(), cursor=cursor, size=size, field="like_count")


def stories_featured(*, limit: int = FEATURED_LIMIT) -> list[Story]:
    """The newest staff picks whose story is visible. The picks are read first (a few rows,
    staffpick_recent_idx): joined in one query, SQLite would start from every published story
    and look each up among the picks (0.1 s at a million stories)."""
    story_ids = list(
        StaffPick.objects.order_by("-created_at", "-id").values_list("story_id", flat=True)[
            : limit * 10
        ]
    )
    if not story_ids:
        return []
    stories = Story.objects.published().for_cards().in_bulk(story_ids)
    return [stories[pk] for pk in story_ids if pk in stories][:limit]


def communities_with_counts() -> list[Community]:
    """Every community with `story_count`, a column kept by byline.discovery.counts."""
    return list(Community.objects.all())


def tags_popular(*, limit: int = 30) -> list[Tag]:
    """The tags with the most published stories (`Tag.story_count`, kept by
    byline.discovery.counts): the first `limit` entries of tag_popular_idx, no aggregate."""
    return list(Tag.objects.public().order_by("-story_count", "name")[:limit])
