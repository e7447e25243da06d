"""The creator's stats as CSV: one row per story per day with views or reads, the same
numbers the dashboard shows."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.urls import reverse

from byline.core.links import site_url
from byline.stats.models import StoryDay
from byline.stats.selectors import creator_stories, period_start

HEADER = ("date", "story_id", "title", "url", "views", "reads")
# A cell a spreadsheet would run as a formula starts with one of these (CSV injection): such
# cells get a leading apostrophe, which spreadsheets show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def csv_lines(*, author, period: str) -> Iterator[str]:
    """The CSV, line by line (streamed: a creator with years of stories needs no memory)."""
    writer = csv.writer(_Line())
    yield writer.writerow(HEADER)
    rows = StoryDay.objects.filter(story__in=creator_stories(author))
    start = period_start(period)
    if start is not None:
        rows = rows.filter(day__gte=start)
    rows = rows.order_by("day", "story_id").values_list(
        "day", "story_id", "story__title", "story__slug", "views", "reads"
    )
    handle = author.username
    for day, story_id, title, slug, views, reads in rows.iterator(chunk_size=2000):
        url = site_url(reverse("stories:detail", kwargs={"handle": handle, "slug": slug}))
        yield writer.writerow((day.isoformat(), story_id, _cell(title), url, views, reads))
