"""Writes for reading statistics."""

from __future__ import annotations

import atexit
import logging
import time
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from byline.core.outbox import task_named
from byline.stats import buffer as view_buffer
from byline.stats.models import StoryDay
from byline.stories.models import Story

logger = logging.getLogger(__name__)
_CHUNK = 500
_last_schedule_check = time.monotonic()
_FLUSH_SECONDS = settings.VIEW_FLUSH_SECONDS


def view_record(*, story_id: int) -> None:
    """Count one page view: a dict increment now, a database write at the next flush."""
    view_buffer.tally.record(story_id)
    _maybe_schedule_flush()


def _maybe_schedule_flush() -> None:
    """Enqueue the flush task once per BYLINE_VIEW_FLUSH_SECONDS (one process wins per period).

    This is the periodic trigger for the embedded set-up, which has no scheduler; on the scale
    path `byline flush_views` from cron (or an rq-scheduler job) does the same.
    """
    global _last_schedule_check
    now = time.monotonic()
    if now - _last_schedule_check < _FLUSH_SECONDS:
        return
    _last_schedule_check = now
    try:
        if cache.add("stats:view-flush-scheduled", 1, _FLUSH_SECONDS):
            task_named("byline.stats.tasks.flush_view_counts").enqueue()
    except Exception:
        # Counting must never break a page; the views stay buffered for the next attempt.
        logger.exception("Could not schedule the view-count flush")


def view_counts_flush() -> int:
    """Move buffered views into Story.view_count; returns how many views were written.

    Stories that received the same number of views are updated in one statement, so a flush of
    thousands of stories costs a handful of queries. On a database error the drained counts go
    back into the buffer: no view is lost.
    """
    view_buffer.tally.push()
    counts = view_buffer.buffer.drain()
    if not counts:
        return 0
    by_count: dict[int, list[int]] = defaultdict(list)
    for story_id, n in counts.items():
        by_count[n].append(story_id)
    try:
        with transaction.atomic():
            for n, ids in by_count.items():
                for start in range(0, len(ids), _CHUNK):
                    Story.objects.filter(pk__in=ids[start : start + _CHUNK]).update(
                        view_count=F("view_count") + n
                    )
            _rollup_views(counts, day=timezone.localdate())
    except DatabaseError:
        view_buffer.buffer.add(counts)
        raise
    return sum(counts.values())


def _rollup_views(counts: dict[int, int], *, day) -> None:
    """Add the flushed views to each story's row for `day` (one upsert per chunk: INSERT ... ON
    CONFLICT DO UPDATE, on SQLite as on PostgreSQL). Stories deleted since their views were
    counted are skipped."""
    table = StoryDay._meta.db_table
    ids = list(counts)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), _CHUNK):
            existing = Story.objects.filter(pk__in=ids[start : start + _CHUNK]).values_list(
                "pk", flat=True
            )
            rows = [(story_id, day, counts[story_id]) for story_id in existing]
            if not rows:
                continue
            values = ", ".join(["(%s, %s, %s)"] * len(rows))
            cursor.execute(
                f"INSERT INTO {table} (story_id, day, views) VALUES {values} "  # noqa: S608
                f"ON CONFLICT (story_id, day) DO UPDATE SET views = {table}.views + excluded.views",
                [value for row in rows for value in row],
            )


@atexit.register
def _push_on_exit() -> None:  # pragma: no cover - runs when a worker stops
    """A stopping worker hands its tallied views on (to Redis, or into the database locally)."""
    try:
        view_buffer.tally.push()
        if isinstance(view_buffer.buffer, view_buffer.LocalViewBuffer) and (
            view_buffer.buffer.pending()
        ):
            view_counts_flush()
    except Exception:  # noqa: S110 - nothing can be reported at interpreter exit
        pass
