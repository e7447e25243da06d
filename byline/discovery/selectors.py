"""Reads for home and explore. Every list is a keyset page over an index (see migration 0002
and the EXPLAIN tests); the expensive aggregates (story counts per community, popular tags)
are computed by one GROUP BY each and cached."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.utils import timezone

from byline.communities.models import Community
from byline.core.pagination import KeysetPage, keyset_page
from byline.discovery.models import StaffPick
from byline.stories.models import Story, Tag

COUNTS_TTL = 600
POPULAR_TAGS_WINDOW = dt.timedelta(days=90)
FEATURED_LIMIT = 4
TOP_PERIODS = {"week": dt.timedelta(days=7), "month": dt.timedelta(days=30), "all": None}


def stories_latest(*, cursor: str | None, size: int, community=None, tag=None) -> KeysetPage:
    stories = Story.objects.published().for_cards()
    if community is not None:
        stories = stories.filter(community=community)
    if tag is not None:
        stories = stories.filter(tags=tag)
    return keyset_page(stories, cursor=cursor, size=size)


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
    picks = (
        StaffPick.objects.filter(
            story__status=Story.Status.PUBLISHED, story__published_at__lte=timezone.now()
        )
        .select_related("story__author", "story__community")
        .prefetch_related("story__tags")[:limit]
    )
    return [pick.story for pick in picks]


def community_story_counts() -> dict[int, int]:
    """{community id: published stories}, one GROUP BY over story_community_idx, cached."""
    counts = cache.get("discovery:community-counts")
    if counts is None:
        rows = (
            Story.objects.filter(status=Story.Status.PUBLISHED, community__isnull=False)
            .order_by()
            .values_list("community_id")
            .annotate(n=Count("id"))
        )
        counts = dict(rows)
        cache.set("discovery:community-counts", counts, COUNTS_TTL)
    return counts


def communities_with_counts() -> list[Community]:
    counts = community_story_counts()
    communities = list(Community.objects.all())
    for community in communities:
        community.story_count = counts.get(community.pk, 0)
    return communities


def tags_popular(*, limit: int = 30) -> list[Tag]:
    """Tags of stories published in the last 90 days, most used first, cached."""
    tags = cache.get("discovery:popular-tags")
    if tags is None:
        since = timezone.now() - POPULAR_TAGS_WINDOW
        tags = list(
            Tag.objects.filter(
                stories__status=Story.Status.PUBLISHED, stories__published_at__gte=since
            )
            .annotate(story_count=Count("stories"))
            .order_by("-story_count", "name")[:limit]
        )
        cache.set("discovery:popular-tags", tags, COUNTS_TTL)
    return tags
