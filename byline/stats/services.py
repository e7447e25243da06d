"""Writes for reading statistics."""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import logging
import multiprocessing.util
import secrets
import time
import uuid
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from byline.core.outbox import task_named
from byline.stats import buffer as view_buffer
from byline.stats.models import (
    DailySalt,
    FlushBatch,
    ReaderDay,
    StoryDay,
    StoryDepth,
    StorySource,
)
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
    """Move buffered views into Story.view_count and the day's rollups, and the buffered reads,
    arrivals, readers and depths into theirs; returns how many views were written.

    Counts are taken in claimed batches (byline.stats.buffer): each batch is written in one
    transaction that records it (FlushBatch), so a batch left behind by a flush that died is
    applied by the next flush exactly once. Stories that received the same number of views are
    updated in one statement, so a batch of a thousand stories costs a handful of queries. On a
    database error the batch's counts go back into their buffer: no view or read is lost.
    """
    for _kind, tally, _buffer in view_buffer.counters():
        tally.push()
    _recover_claims()
    written = {kind: _flush(buffer, kind) for kind, _tally, buffer in view_buffer.counters()}
    if any(written.values()):
        FlushBatch.objects.filter(created_at__lt=timezone.now() - FLUSH_BATCHES_KEPT).delete()
        # A finished day's readers are counted: its digests and salt go.
        today = timezone.localdate()
        ReaderDay.objects.filter(day__lt=today).delete()
        DailySalt.objects.filter(day__lt=today).delete()
    return written["views"]


# A claim older than this whose flush has not released it belongs to a flush that died.
CLAIM_STALE_SECONDS = 300
FLUSH_BATCHES_KEPT = dt.timedelta(days=7)


def _new_batch(kind: str) -> str:
    return f"{kind}-{int(time.time())}-{uuid.uuid4().hex[:16]}"


def _batch_age(batch: str) -> float:
    try:
        return time.time() - int(batch.split("-")[1])
    except (IndexError, ValueError):
        return float("inf")


def _flush(buffer, kind: str) -> int:
    written = 0
    for _ in range(buffer.MAX_BATCHES):
        batch = _new_batch(kind)
        counts = buffer.claim(batch)
        if counts:
            try:
                _apply(batch, kind, counts)
            except IntegrityError:
                if not FlushBatch.objects.filter(batch=batch).exists():
                    buffer.restore(batch, counts)
                    raise
                # A flush that took this claim for a dead one's has written it already.
            except DatabaseError:
                buffer.restore(batch, counts)
                raise
        buffer.release(batch)
        written += sum(counts.values())
        if len(counts) < buffer.BATCH:
            break
    return written


def _recover_claims() -> None:
    """Write the batches that flushes which died had claimed (once: never if written)."""
    for kind, _tally, buffer in view_buffer.counters():
        for batch in buffer.claims():
            if _batch_age(batch) < CLAIM_STALE_SECONDS:
                continue  # its flush may still be running
            if not FlushBatch.objects.filter(batch=batch).exists():
                counts = buffer.claimed(batch)
                if counts:
                    try:
                        _apply(batch, kind, counts)
                    except IntegrityError:
                        if not FlushBatch.objects.filter(batch=batch).exists():
                            raise
            logger.warning("View counting: recovered batch %s of a flush that stopped", batch)
            buffer.release(batch)


def _apply(batch: str, kind: str, counts: dict[int, int]) -> None:
    day = timezone.localdate()
    with transaction.atomic():
        # First: a second writer of the same batch waits here, then fails (unique batch).
        FlushBatch.objects.create(batch=batch)
        if kind == "views":
            by_count: dict[int, list[int]] = defaultdict(list)
            for story_id, n in counts.items():
                by_count[n].append(story_id)
            for n, ids in by_count.items():
                for start in range(0, len(ids), _CHUNK):
                    Story.objects.filter(pk__in=ids[start : start + _CHUNK]).update(
                        view_count=F("view_count") + n
                    )
        if kind == "sources":
            _rollup_sources(counts, day=day)
        elif kind == "readers":
            _rollup_readers(counts)
        elif kind == "depths":
            table = StoryDepth._meta.db_table
            _rollup_keyed(counts, day=day, table=table, column="depth", value_type=int)
        else:
            _rollup(counts, day=day, column=kind)


_ROLLUP_COLUMNS = {"views", "reads"}


def _upsert(table: str, columns: tuple[str, ...], rows: list[tuple], *, on: str, then: str) -> list:
    """INSERT `rows` (each starting with a story id) into `table` ON CONFLICT (`on`) DO `then`,
    one statement per chunk, on SQLite as on PostgreSQL; rows of stories deleted since they
    were counted are skipped. Returns the rows written."""
    written = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            live = set(
                Story.objects.filter(pk__in={row[0] for row in chunk}).values_list("pk", flat=True)
            )
            chunk = [row for row in chunk if row[0] in live]
            if not chunk:
                continue
            marks = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {marks} "  # noqa: S608
                f"ON CONFLICT ({on}) DO {then}",
                [value for row in chunk for value in row],
            )
            written += chunk
    return written


def _rollup(counts: dict[int, int], *, day, column: str) -> None:
    """Add the flushed counts to each story's row for `day`."""
    if column not in _ROLLUP_COLUMNS:  # a column name goes into the SQL below
        raise ValueError(f"no rollup column {column!r}")
    table = StoryDay._meta.db_table
    _upsert(
        table,
        ("story_id", "day", column),
        [(story_id, day, n) for story_id, n in counts.items()],
        on="story_id, day",
        then=f"UPDATE SET {column} = {table}.{column} + excluded.{column}",
    )


def _rollup_sources(counts: dict[str, int], *, day) -> None:
    """Add arrivals ("story_id|host" -> loads) to each story's row per host for `day`."""
    _rollup_keyed(counts, day=day, table=StorySource._meta.db_table, column="host")


def _rollup_keyed(
    counts: dict[str, int], *, day, table: str, column: str, value_type: type = str
) -> None:
    """Add "story_id|value" -> loads to each story's row per value (a host, a depth) for
    `day`."""
    rows = []
    for key, n in counts.items():
        story_id, _, value = key.partition("|")
        if story_id.isdigit() and (value_type is str or value.isdigit()):
            rows.append((int(story_id), day, value_type(value[:100]), n))
    _upsert(
        table,
        ("story_id", "day", column, "loads"),
        rows,
        on=f"story_id, day, {column}",
        then=f"UPDATE SET loads = {table}.loads + excluded.loads",
    )


def _rollup_readers(counts: dict[str, int]) -> None:
    """Add the day's reader digests ("story_id|day|digest"; a digest already there is the same
    reader again) and set each story's count of readers for that day from them."""
    rows = []
    for key in counts:
        story_id, day, digest = [*key.split("|"), "", ""][:3]
        if story_id.isdigit() and digest:
            try:
                rows.append((int(story_id), dt.date.fromisoformat(day), digest[:32]))
            except ValueError:
                continue
    readers, days = ReaderDay._meta.db_table, StoryDay._meta.db_table
    written = _upsert(
        readers, ("story_id", "day", "digest"), rows, on="story_id, day, digest", then="NOTHING"
    )
    with connection.cursor() as cursor:
        for day in {row[1] for row in written}:
            ids = sorted({row[0] for row in written if row[1] == day})
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"INSERT INTO {days} (story_id, day, readers) "  # noqa: S608
                    f"SELECT story_id, day, COUNT(*) FROM {readers} "
                    f"WHERE day = %s AND story_id IN ({marks}) GROUP BY story_id, day "
                    f"ON CONFLICT (story_id, day) DO UPDATE SET readers = excluded.readers",
                    [day, *chunk],
                )


_SALTS: dict[dt.date, str] = {}


def _salt(day: dt.date) -> str:
    salt = _SALTS.get(day)
    if salt is None:
        try:
            salt = DailySalt.objects.get_or_create(
                day=day, defaults={"salt": secrets.token_hex(32)}
            )[0].salt
        except IntegrityError:  # another process made it first
            salt = DailySalt.objects.get(day=day).salt
        _SALTS.clear()
        _SALTS[day] = salt
    return salt


def reader_record(*, story_id: int, address: str, user_agent: str) -> None:
    """Count a reader of a story today, once however often they come back: a digest of the
    day's salt, their address and browser (nothing that outlives the day)."""
    day = timezone.localdate()
    digest = hashlib.sha256(f"{_salt(day)}|{address}|{user_agent}".encode()).hexdigest()[:32]
    view_buffer.reader_tally.record(f"{story_id}|{day.isoformat()}|{digest}")
    _maybe_schedule_flush()


def depth_record(*, story_id: int, depth: int) -> None:
    """Count how far down a reader had got when they first left the page (0-100, by 25)."""
    view_buffer.depth_tally.record(f"{story_id}|{depth}")
    _maybe_schedule_flush()


def arrival_record(*, story_id: int, host: str) -> None:
    """Count one page load of a story by where the reader came from (a host name, or "")."""
    view_buffer.source_tally.record(f"{story_id}|{host}")
    _maybe_schedule_flush()


def read_record(*, story_id: int) -> None:
    """Count one read (the beacon's checks passed): like a view, buffered until the flush."""
    view_buffer.read_tally.record(story_id)
    _maybe_schedule_flush()


def _push_on_exit() -> None:  # pragma: no cover - runs when a worker stops
    """A stopping worker hands its tallied counts on (to Redis, or into the database locally)."""
    try:
        for _kind, tally, _buffer in view_buffer.counters():
            tally.push()
        if isinstance(view_buffer.buffer, view_buffer.LocalViewBuffer) and any(
            buffer.pending() for _kind, _tally, buffer in view_buffer.counters()
        ):
            view_counts_flush()
    except Exception:  # noqa: S110 - nothing can be reported at interpreter exit
        pass


# A process that exits normally runs atexit handlers; a granian worker is a multiprocessing
# child, which ends with os._exit() after running only multiprocessing's own finalizers, so the
# hand-over is registered with both (a second call finds nothing pending).
atexit.register(_push_on_exit)
multiprocessing.util.Finalize(None, _push_on_exit, exitpriority=100)
