"""The creator's stats dashboard: what their published stories did over a period."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from byline.stats import selectors
from byline.stats.charts import bar_chart


def _period(request: HttpRequest) -> str:
    period = request.GET.get("period", selectors.DEFAULT_PERIOD)
    return period if period in selectors.PERIODS else selectors.DEFAULT_PERIOD


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    stories = selectors.creator_stories(request.user)
    days = selectors.daily_views(stories=stories, period=period)
    chart = bar_chart([(f"{day.day:%-d %b}", day.views) for day in days])
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
        "days": days,
        "chart": chart,
        "table": table,
        "sorts": {key: label for key, (label, _) in selectors.STORY_SORTS.items()},
    }
    return render(request, "stats/dashboard.html", context)
