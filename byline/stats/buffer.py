"""Page views counted without a database write per view.

A view is first added to a per-process tally (a dict increment: nothing else happens on the hot
path). The tally is pushed to the *buffer* at most once per BYLINE_VIEW_PUSH_SECONDS, and a timer
pushes it that long after a view that found no push due, so the last views before a quiet spell
reach the buffer without waiting for the next view. The buffer is drained into `Story.view_count`
by a periodic task (`byline.stats.tasks.flush_view_counts`), on the scale path in another process.

Two buffers, chosen by `REDIS_URL`:

- `LocalViewBuffer` (embedded default): the buffer lives in process memory, like Django's
  local-memory cache. Each web worker drains its own buffer; draining swaps the dict under a lock,
  so a view recorded during a flush lands in the new dict and is never lost.
- `RedisViewBuffer` (scale path): one counter per story (`INCRBY`) plus a set of stories with
  pending views (`SADD`), written in one MULTI. Draining pops ids from the set and reads-and-resets
  each counter with `GETDEL`, so views that arrive between the two are either taken by this drain or
  left, with their id re-added, for the next one. Nothing is read and written back.

If writing the drained counts to the database fails, they are added back to the buffer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Mapping

from django.conf import settings

from byline.core.cache import redis_fail_fast

logger = logging.getLogger(__name__)


class LocalViewBuffer:
    def __init__(self) -> None:
        self._counts: Counter[int] = Counter()
        self._lock = threading.Lock()

    def add(self, counts: Mapping[int, int]) -> None:
        with self._lock:
            self._counts.update(counts)

    def record(self, story_id: int) -> None:
        """One view: the buffer is process memory already, so it is its own tally."""
        with self._lock:
            self._counts[story_id] += 1

    def push(self) -> None:
        pass

    def drain(self) -> dict[int, int]:
        with self._lock:
            counts, self._counts = self._counts, Counter()
        return dict(counts)

    def pending(self) -> int:
        with self._lock:
            return sum(self._counts.values())


class RedisViewBuffer:
    BATCH = 1000
    MAX_BATCHES = 100  # one drain takes at most 100,000 stories; the rest waits for the next

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, **redis_fail_fast())
        self.prefix = f"{prefix}:views"
        self.dirty_key = f"{self.prefix}:dirty"

    def _key(self, story_id: int | bytes) -> str:
        if isinstance(story_id, bytes):
            story_id = story_id.decode()
        return f"{self.prefix}:{story_id}"

    def add(self, counts: Mapping[int, int]) -> None:
        if not counts:
            return
        pipe = self.client.pipeline(transaction=True)
        for story_id, n in counts.items():
            pipe.incrby(self._key(story_id), n)
            pipe.sadd(self.dirty_key, story_id)
        pipe.execute()

    def drain(self) -> dict[int, int]:
        drained: Counter[int] = Counter()
        for _ in range(self.MAX_BATCHES):
            ids = self.client.spop(self.dirty_key, self.BATCH)
            if not ids:
                break
            pipe = self.client.pipeline(transaction=False)
            for story_id in ids:
                pipe.getdel(self._key(story_id))
            for story_id, value in zip(ids, pipe.execute(), strict=True):
                if value:
                    drained[int(story_id)] += int(value)
            if len(ids) < self.BATCH:
                break
        return dict(drained)

    def pending(self) -> int:
        ids = self.client.smembers(self.dirty_key)
        values = self.client.mget([self._key(i) for i in ids]) if ids else []
        return sum(int(v) for v in values if v)

    def clear(self) -> None:
        ids = self.client.smembers(self.dirty_key)
        self.client.delete(self.dirty_key, *[self._key(i) for i in ids])


class ViewTally:
    """The per-process tally in front of the buffer (one dict increment per view)."""

    def __init__(self, buffer, push_every: float) -> None:
        self.buffer = buffer
        self.push_every = push_every
        self._counts: Counter[int] = Counter()
        self._lock = threading.Lock()
        self._pushed_at = time.monotonic()
        self._timer: threading.Timer | None = None

    def record(self, story_id: int) -> None:
        with self._lock:
            self._counts[story_id] += 1
            due = time.monotonic() - self._pushed_at >= self.push_every
            if not due and self._timer is None:
                # The flush runs in another process (the worker) and can only see what was
                # pushed: without this, the last views before a quiet spell would stay in this
                # process until the next view arrives, however long that takes.
                self._timer = threading.Timer(self.push_every, self._push_later)
                self._timer.daemon = True
                self._timer.start()
        if due:
            self._push_quietly()

    def _push_later(self) -> None:
        with self._lock:
            self._timer = None
        self._push_quietly()

    def _push_quietly(self) -> None:
        try:
            self.push()
        except Exception:  # Redis away: the views stay in the tally for the next push
            logger.warning("View counting: cannot push to the buffer", exc_info=True)

    def push(self) -> None:
        with self._lock:
            counts, self._counts = self._counts, Counter()
            self._pushed_at = time.monotonic()
        if not counts:
            return
        try:
            self.buffer.add(counts)
        except Exception:
            with self._lock:  # keep them for the next push rather than lose them
                self._counts.update(counts)
            raise


def make_buffer():
    if settings.REDIS_URL:
        return RedisViewBuffer(settings.REDIS_URL, settings.CACHES["default"].get("KEY_PREFIX", ""))
    return LocalViewBuffer()


buffer = make_buffer()
# Locally the buffer is process memory and serves as the tally. With Redis, a per-process tally
# batches the round trip (BYLINE_VIEW_PUSH_SECONDS, default 1 s).
tally = (
    ViewTally(buffer, settings.VIEW_PUSH_SECONDS) if isinstance(buffer, RedisViewBuffer) else buffer
)
