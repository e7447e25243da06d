"""Trending: recent engagement with time decay, in ONE formula.

    score = points / (age_hours + 2) ** GRAVITY
    points = 1 + READ_WEIGHT * reads + LIKE_WEIGHT * likes
               + INSIGHT_WEIGHT * insights + COMMENT_WEIGHT * comments

Hacker News' "gravity" ranking: engagement lifts a story, age pulls it down, and the pull grows
with time, so a story with many reads last month falls below a well-liked story from this
morning. Reads are cheap (a glance), likes and insights are deliberate, a comment costs the most
effort, hence the weights. The `1 +` keeps brand-new stories without engagement ordered by
freshness; the `+ 2` hours stops a minutes-old story from dividing by almost nothing.

`trending_score` is the definition. `trending_score_expression` is the same formula as SQL for
the set-based recompute (one UPDATE for all recent stories); a test holds the two equal.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import DateTimeField, F, FloatField, Func, Value
from django.db.models.functions import Cast, Greatest, Power

GRAVITY = 1.5
READ_WEIGHT = 0.1
LIKE_WEIGHT = 2.0
INSIGHT_WEIGHT = 3.0
COMMENT_WEIGHT = 4.0
# Stories older than this are not recomputed and drop to 0: their decayed score is negligible.
WINDOW = dt.timedelta(days=30)


def trending_score(
    *,
    reads: int,
    likes: int,
    insights: int,
    comments: int,
    published_at: dt.datetime,
    now: dt.datetime,
) -> float:
    """The trending score of a story at `now` (higher is hotter)."""
    points = (
        1
        + READ_WEIGHT * reads
        + LIKE_WEIGHT * likes
        + INSIGHT_WEIGHT * insights
        + COMMENT_WEIGHT * comments
    )
    age_hours = max((now - published_at).total_seconds() / 3600, 0.0)
    return points / (age_hours + 2) ** GRAVITY


class HoursSince(Func):
    """Hours from a datetime column to a fixed moment, on SQLite and PostgreSQL."""

    output_field = FloatField()

    def __init__(self, column: str, now: dt.datetime):
        super().__init__(Value(now, output_field=DateTimeField()), F(column))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 24.0)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)",
            arg_joiner=" - ",
            **extra,
        )


def trending_score_expression(now: dt.datetime):
    """`trending_score` as a database expression over Story's counters (for QuerySet.update)."""

    def weighted(column: str, weight: float):
        return Cast(column, FloatField()) * Value(weight)

    points = (
        Value(1.0)
        + weighted("view_count", READ_WEIGHT)
        + weighted("like_count", LIKE_WEIGHT)
        + weighted("insight_count", INSIGHT_WEIGHT)
        + weighted("comment_count", COMMENT_WEIGHT)
    )
    age_hours = Greatest(HoursSince("published_at", now), Value(0.0))
    return points / Power(age_hours + Value(2.0), Value(GRAVITY))
