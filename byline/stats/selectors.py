"""Reads for the creator's stats dashboard: totals, the daily series and the table of stories,
all from the daily rollups (StoryDay) and the counters kept on each story."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from byline.comments.models import Comment
from byline.core.cache import CacheUnavailable
from byline.core.pagination import (
    decode_cursor,
    decode_number_cursor,
    encode_cursor,
    encode_number_cursor,
)
from byline.insights.models import Insight, Rating
from byline.social.models import Follow, Like
from byline.stats.models import StoryDay, StoryDepth, StorySource
from byline.stats.sources import KINDS, classify
from byline.stories.models import Story

PERIODS = {"7": "7 days", "30": "30 days", "90": "90 days", "all": "All time"}
DEFAULT_PERIOD = "30"
# The chart shows at most this many days; "all time" charts the last year.
CHART_DAYS = 365
STORY_SORTS = {
    "views": ("Views", "-view_count"),
    "comments": ("Comments", "-comment_count"),
    "likes": ("Likes", "-like_count"),
    "insights": ("Insights", "-insight_count"),
    "newest": ("Newest", "-published_at"),
}
DEFAULT_SORT = "views"
STORIES_PER_PAGE = 50


@dataclass(frozen=True)
class Day:
    day: dt.date
    views: int
    reads: int


def period_start(period: str, *, today: dt.date | None = None) -> dt.date | None:
    """The first day of `period` ("7", "30", "90"), or None for all time."""
    if period not in PERIODS or period == "all":
        return None
    return (today or timezone.localdate()) - dt.timedelta(days=int(period) - 1)


def daily_views(*, stories, period: str, today: dt.date | None = None) -> list[Day]:
    """One entry per day of the period (days without views included, as 0), oldest first."""
    today = today or timezone.localdate()
    start = period_start(period, today=today) or today - dt.timedelta(days=CHART_DAYS - 1)
    rows = (
        StoryDay.objects.filter(story__in=stories, day__gte=start, day__lte=today)
        .values("day")
        .annotate(views=Sum("views"), reads=Sum("reads"))
    )
    by_day = {row["day"]: (row["views"], row["reads"]) for row in rows}
    length = (today - start).days + 1
    return [
        Day(day, *by_day.get(day, (0, 0)))
        for day in (start + dt.timedelta(days=offset) for offset in range(length))
    ]


def counts_in_period(*, stories, period: str, today: dt.date | None = None) -> dict:
    """Views, reads and readers in the period (all time: views from the stories' own
    counters, which include views from before daily rollups began). Readers are each day's
    distinct readers, added up over the days."""
    start = period_start(period, today=today)
    rows = StoryDay.objects.filter(story__in=stories)
    if start is not None:
        rows = rows.filter(day__gte=start)
    found = rows.aggregate(views=Sum("views"), reads=Sum("reads"), readers=Sum("readers"))
    views = found["views"] or 0
    if start is None:
        views = stories.aggregate(total=Sum("view_count"))["total"] or 0
    return {"views": views, "reads": found["reads"] or 0, "readers": found["readers"] or 0}


def read_ratio(views: int, reads: int) -> int | None:
    """Reads as a percentage of views (None without views)."""
    return round(100 * reads / views) if views else None


def creator_stories(author):
    """The creator's stories that have been public (published now, or ever published)."""
    return Story.objects.filter(author=author, published_at__isnull=False)


def creator_totals(*, author, period: str) -> dict:
    stories = creator_stories(author)
    counters = stories.aggregate(
        comments=Sum("comment_count"), likes=Sum("like_count"), insights=Sum("insight_count")
    )
    counts = counts_in_period(stories=stories, period=period)
    return {
        **counts,
        "read_ratio": read_ratio(counts["views"], counts["reads"]),
        "all_time_views": stories.aggregate(total=Sum("view_count"))["total"] or 0,
        "stories": stories.count(),
        "comments": counters["comments"] or 0,
        "likes": counters["likes"] or 0,
        "insights": counters["insights"] or 0,
    }


def story_table(*, author, sort: str, period: str, cursor: str | None = None) -> StoryTable:
    """A page of the creator's stories, sorted by an all-time counter (or newest first), each
    with its views and reads in the period (`period_views`, `period_reads`, `read_ratio`).
    Keyset-paged on (counter, id)."""
    sort = sort if sort in STORY_SORTS else DEFAULT_SORT
    column = STORY_SORTS[sort][1].lstrip("-")
    rows = creator_stories(author).select_related("author")
    position = decode_number_cursor(cursor) if column != "published_at" else None
    moment = decode_cursor(cursor) if column == "published_at" else None
    if position is not None:
        rows = rows.filter(
            Q(**{f"{column}__lt": position[0]}) | Q(**{column: position[0], "pk__lt": position[1]})
        )
    if moment is not None:
        rows = rows.filter(
            Q(published_at__lt=moment[0]) | Q(published_at=moment[0], pk__lt=moment[1])
        )
    stories = list(rows.order_by(f"-{column}", "-pk")[: STORIES_PER_PAGE + 1])
    next_cursor = None
    if len(stories) > STORIES_PER_PAGE:
        stories = stories[:STORIES_PER_PAGE]
        last = stories[-1]
        if column == "published_at":
            next_cursor = encode_cursor(last.published_at, last.pk)
        else:
            next_cursor = encode_number_cursor(getattr(last, column), last.pk)
    start = period_start(period)
    rows = StoryDay.objects.filter(story__in=[story.pk for story in stories])
    if start is not None:
        rows = rows.filter(day__gte=start)
    found = {
        row["story"]: (row["views"], row["reads"])
        for row in rows.values("story").annotate(views=Sum("views"), reads=Sum("reads"))
    }
    for story in stories:
        views, reads = found.get(story.pk, (0, 0))
        story.period_views = story.view_count if start is None else views
        story.period_reads = reads
        story.read_ratio = read_ratio(story.period_views, reads)
    return StoryTable(stories=stories, sort=sort, next_cursor=next_cursor)


@dataclass
class StoryTable:
    stories: list[Story]
    sort: str
    next_cursor: str | None


def story_for_stats(*, author, pk: int) -> Story:
    """One of the creator's stories that has been public; Http404 for anyone else's (whether
    or not it exists), so the page tells nobody which stories there are."""
    return get_object_or_404(creator_stories(author).select_related("author"), pk=pk)


@dataclass(frozen=True)
class AnswerDay:
    day: dt.date
    insights: int
    ratings: int


def answers_by_day(*, story: Story, period: str, today: dt.date | None = None) -> list[AnswerDay]:
    """Insights and ratings given to one story per day of the period, oldest first (read from
    the answers themselves: one story has few enough)."""
    today = today or timezone.localdate()
    start = period_start(period, today=today) or today - dt.timedelta(days=CHART_DAYS - 1)

    def per_day(model) -> dict:
        rows = (
            model.objects.filter(story=story, created_at__date__gte=start)
            .annotate(day=TruncDate("created_at"))
            .values("day")
            .annotate(n=Count("id"))
        )
        return {row["day"]: row["n"] for row in rows}

    insights, ratings = per_day(Insight), per_day(Rating)
    length = (today - start).days + 1
    days = (start + dt.timedelta(days=offset) for offset in range(length))
    return [AnswerDay(day, insights.get(day, 0), ratings.get(day, 0)) for day in days]


SITE_TOTALS_SECONDS = 300


def site_totals(*, period: str) -> dict:
    """Views and reads of every story in the period, and how many stories were read: for
    moderators and staff. Kept for five minutes (it reads every rollup row of the period)."""

    def compute() -> dict:
        stories = Story.objects.filter(published_at__isnull=False)
        counts = counts_in_period(stories=stories, period=period)
        return {
            **counts,
            "read_ratio": read_ratio(counts["views"], counts["reads"]),
            "published": Story.objects.published().count(),
        }

    key = f"stats:site:{period}:{timezone.localdate().isoformat()}"
    try:
        return cache.get_or_set(key, compute, SITE_TOTALS_SECONDS)
    except CacheUnavailable:
        return compute()


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    loads: int
    hosts: list[tuple[str, int]]  # the busiest hosts of this kind, most loads first


def site_hosts(request) -> set[str]:
    """This site's own host names, as the referrer of its own pages names them."""
    return {urlsplit(settings.SITE_URL).netloc, request.get_host()}


def sources(*, stories, period: str, hosts: set[str], top: int = 5) -> list[Source]:
    """Page loads by where readers came from, kind by kind (busiest first), each with its
    busiest hosts; kinds without loads are left out."""
    rows = StorySource.objects.filter(story__in=stories)
    start = period_start(period)
    if start is not None:
        rows = rows.filter(day__gte=start)
    per_host = rows.values("host").annotate(loads=Sum("loads")).order_by("-loads", "host")
    by_kind: dict[str, list[tuple[str, int]]] = {}
    for row in per_host[:2000]:
        kind = classify(row["host"], site_hosts=hosts)
        by_kind.setdefault(kind, []).append((row["host"], row["loads"]))
    found = [
        Source(kind, KINDS[kind], sum(n for _, n in found), found[:top])
        for kind, found in by_kind.items()
    ]
    return sorted(found, key=lambda source: (-source.loads, source.kind))


def gained(*, author, period: str, today: dt.date | None = None) -> dict:
    """What readers gave the creator in the period (all time: everything): comments and likes
    on their stories from others, insights, and new followers."""
    start = period_start(period, today=today)

    def since(rows, field: str = "created_at"):
        return rows if start is None else rows.filter(**{f"{field}__date__gte": start})

    on_theirs = {"story__author": author}
    return {
        "comments": since(
            Comment.objects.filter(**on_theirs, is_deleted=False, is_hidden=False).exclude(
                author=author
            )
        ).count(),
        "likes": since(Like.objects.filter(**on_theirs)).count(),
        "insights": since(Insight.objects.filter(**on_theirs)).count(),
        "followers": since(Follow.objects.filter(creator=author)).count(),
    }


@dataclass(frozen=True)
class Depth:
    depth: int
    loads: int  # page loads that got at least this far
    share: int  # of all page loads with a depth, per cent


def depth_reached(*, stories, period: str) -> list[Depth]:
    """How far readers got: for each quarter of the text, the page loads that reached it (at
    least that far when the reader first left the page). Empty without any."""
    rows = StoryDepth.objects.filter(story__in=stories)
    start = period_start(period)
    if start is not None:
        rows = rows.filter(day__gte=start)
    by_depth = dict(rows.values("depth").annotate(n=Sum("loads")).values_list("depth", "n"))
    total = sum(by_depth.values())
    if not total:
        return []
    reached, found = 0, []
    for depth in (100, 75, 50, 25):
        reached += by_depth.get(depth, 0)
        found.append(Depth(depth, reached, round(100 * reached / total)))
    return list(reversed(found))
