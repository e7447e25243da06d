"""Reads for the creator's stats dashboard: totals, the daily series and the table of stories,
all from the daily rollups (StoryDay) and the counters kept on each story."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils import timezone

from byline.core.pagination import (
    decode_cursor,
    decode_number_cursor,
    encode_cursor,
    encode_number_cursor,
)
from byline.stats.models import StoryDay
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
        .annotate(views=Sum("views"))
    )
    by_day = {row["day"]: row["views"] for row in rows}
    length = (today - start).days + 1
    return [
        Day(day, by_day.get(day, 0))
        for day in (start + dt.timedelta(days=offset) for offset in range(length))
    ]


def views_in_period(*, stories, period: str, today: dt.date | None = None) -> int:
    start = period_start(period, today=today)
    if start is None:
        return stories.aggregate(total=Sum("view_count"))["total"] or 0
    rows = StoryDay.objects.filter(story__in=stories, day__gte=start)
    return rows.aggregate(total=Sum("views"))["total"] or 0


def creator_stories(author):
    """The creator's stories that have been public (published now, or ever published)."""
    return Story.objects.filter(author=author, published_at__isnull=False)


def creator_totals(*, author, period: str) -> dict:
    stories = creator_stories(author)
    counters = stories.aggregate(
        comments=Sum("comment_count"), likes=Sum("like_count"), insights=Sum("insight_count")
    )
    return {
        "views": views_in_period(stories=stories, period=period),
        "all_time_views": stories.aggregate(total=Sum("view_count"))["total"] or 0,
        "stories": stories.count(),
        "comments": counters["comments"] or 0,
        "likes": counters["likes"] or 0,
        "insights": counters["insights"] or 0,
    }


def story_table(*, author, sort: str, period: str, cursor: str | None = None) -> StoryTable:
    """A page of the creator's stories, sorted by an all-time counter (or newest first), each
    with its views in the period (`period_views`). Keyset-paged on (counter, id)."""
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
    if start is None:
        period_views = {story.pk: story.view_count for story in stories}
    else:
        period_views = dict(
            StoryDay.objects.filter(story__in=[story.pk for story in stories], day__gte=start)
            .values("story")
            .annotate(total=Sum("views"))
            .values_list("story", "total")
        )
    for story in stories:
        story.period_views = period_views.get(story.pk, 0)
    return StoryTable(stories=stories, sort=sort, next_cursor=next_cursor)


@dataclass
class StoryTable:
    stories: list[Story]
    sort: str
    next_cursor: str | None
