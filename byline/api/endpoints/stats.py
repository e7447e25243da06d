"""The caller's reading statistics: the same selectors and numbers as /me/stats/."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.http.response import Http404
from ninja import Query, Router, Schema

from byline.api.auth import require_user, signed_in
from byline.api.endpoints.common import CursorQuery, IdPath
from byline.api.errors import not_found, with_errors
from byline.core.links import site_url
from byline.stats import selectors
from byline.stories.models import Story

router = Router(tags=["stats"])

Period = Literal["7", "30", "90", "all"]
Sort = Literal["views", "comments", "likes", "insights", "newest"]
PeriodQuery = Query("30", description="`7`, `30` or `90` days, or `all` time.")
SortQuery = Query("views", description="How the stories are ordered (all-time counts).")


class DayOut(Schema):
    date: dt.date
    views: int
    reads: int


class TotalsOut(Schema):
    views: int
    reads: int
    readers: int
    read_ratio: int | None
    comments: int
    likes: int
    insights: int


class StoryStatsOut(Schema):
    id: int
    title: str
    url: str
    views: int
    reads: int
    read_ratio: int | None
    views_all_time: int
    comments: int
    likes: int
    insights: int


class StatsOut(Schema):
    period: Period
    totals: TotalsOut
    days: list[DayOut]
    stories: list[StoryStatsOut]
    next_cursor: str | None


class StoryDetailOut(Schema):
    period: Period
    story: StoryStatsOut
    days: list[DayOut]


def _story_out(story: Story, views: int, reads: int) -> dict:
    return {
        "id": story.pk,
        "title": story.title,
        "url": site_url(story.get_absolute_url()),
        "views": views,
        "reads": reads,
        "read_ratio": selectors.read_ratio(views, reads),
        "views_all_time": story.view_count,
        "comments": story.comment_count,
        "likes": story.like_count,
        "insights": story.insight_count,
    }


def _days(days) -> list[dict]:
    return [{"date": day.day, "views": day.views, "reads": day.reads} for day in days]


@router.get(
    "/me/stats",
    response=with_errors({200: StatsOut}),
    summary="The caller's views, reads and answers over a period, with a page of their stories",
    auth=signed_in,
)
def my_stats(
    request: HttpRequest,
    period: Period = PeriodQuery,
    sort: Sort = SortQuery,
    cursor: str | None = CursorQuery,
):
    user = require_user(request)
    stories = selectors.creator_stories(user)
    totals = selectors.creator_totals(author=user, period=period)
    table = selectors.story_table(author=user, sort=sort, period=period, cursor=cursor)
    return {
        "period": period,
        "totals": {key: totals[key] for key in TotalsOut.model_fields},
        "days": _days(selectors.daily_views(stories=stories, period=period)),
        "stories": [
            _story_out(story, story.period_views, story.period_reads) for story in table.stories
        ],
        "next_cursor": table.next_cursor,
    }


@router.get(
    "/me/stats/{story_id}",
    response=with_errors({200: StoryDetailOut}),
    summary="One of the caller's stories: views and reads day by day",
    auth=signed_in,
)
def my_story_stats(request: HttpRequest, story_id: int = IdPath, period: Period = PeriodQuery):
    user = require_user(request)
    try:
        story = selectors.story_for_stats(author=user, pk=story_id)
    except Http404:
        raise not_found("No such story among yours.") from None
    stories = Story.objects.filter(pk=story.pk)
    counts = selectors.counts_in_period(stories=stories, period=period)
    return {
        "period": period,
        "story": _story_out(story, counts["views"], counts["reads"]),
        "days": _days(selectors.daily_views(stories=stories, period=period)),
    }
