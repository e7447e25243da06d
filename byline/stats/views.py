"""The creator's stats dashboard: what their published stories did over a period."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from byline.insights.selectors import insights_summary
from byline.stats import selectors
from byline.stats.charts import bar_chart
from byline.stats.export import csv_lines
from byline.stories.models import Story
from byline.stories.policies import is_moderator


def _period(request: HttpRequest) -> str:
    period = request.GET.get("period", selectors.DEFAULT_PERIOD)
    return period if period in selectors.PERIODS else selectors.DEFAULT_PERIOD


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    stories = selectors.creator_stories(request.user)
    days = selectors.daily_views(stories=stories, period=period)
    chart = bar_chart(
        [(f"{day.day:%-d %b}", day.views) for day in days], inner=[day.reads for day in days]
    )
    table = selectors.story_table(
        author=request.user,
        sort=request.GET.get("sort", selectors.DEFAULT_SORT),
        period=period,
        cursor=request.GET.get("after"),
    )
    context = {
        "period": period,
        "periods": selectors.PERIODS,
        "period_label": selectors.PERIODS[period],
        "time_zone": settings.TIME_ZONE,
        "totals": selectors.creator_totals(author=request.user, period=period),
        "gained": selectors.gained(author=request.user, period=period),
        "days": days,
        "chart": chart,
        "table": table,
        "sorts": {key: label for key, (label, _) in selectors.STORY_SORTS.items()},
        "sources": selectors.sources(
            stories=stories, period=period, hosts=selectors.site_hosts(request)
        ),
        "site": (
            selectors.site_totals(period=period)
            if request.user.is_staff or is_moderator(request.user)
            else None
        ),
    }
    return render(request, "stats/dashboard.html", context)


@require_safe
@login_required
def story_stats(request: HttpRequest, pk: int) -> HttpResponse:
    story = selectors.story_for_stats(author=request.user, pk=pk)
    period = _period(request)
    stories = Story.objects.filter(pk=story.pk)
    days = selectors.daily_views(stories=stories, period=period)
    answers = selectors.answers_by_day(story=story, period=period)
    counts = selectors.counts_in_period(stories=stories, period=period)
    context = {
        "story": story,
        "period": period,
        "periods": selectors.PERIODS,
        "period_label": selectors.PERIODS[period],
        "totals": {**counts, "read_ratio": selectors.read_ratio(counts["views"], counts["reads"])},
        "chart": bar_chart(
            [(f"{day.day:%-d %b}", day.views) for day in days], inner=[day.reads for day in days]
        ),
        # Ratings are not a part of insights: one series of both, their split is tabled below.
        "answers_chart": bar_chart(
            [(f"{day.day:%-d %b}", day.insights + day.ratings) for day in answers]
        ),
        "insights": insights_summary(story=story, viewer=request.user),
        "sources": selectors.sources(
            stories=stories, period=period, hosts=selectors.site_hosts(request), top=10
        ),
        "depths": selectors.depth_reached(stories=stories, period=period),
        "time_zone": settings.TIME_ZONE,
    }
    return render(request, "stats/story_stats.html", context)


@require_safe
@login_required
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    period = _period(request)
    response = StreamingHttpResponse(
        csv_lines(author=request.user, period=period), content_type="text/csv; charset=utf-8"
    )
    name = f"byline-stats-{request.user.username}-{period}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
