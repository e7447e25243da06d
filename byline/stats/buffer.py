"""Page views (and reads) counted without a database write per view.

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
  pending views (`SADD`), written in one MULTI. The flush claims a batch in one Lua script that
  pops ids from the set and moves each counter (`GETDEL`) into the batch's claim, so views that
  arrive meanwhile are either in this claim or left, with their id re-added, for the next one.
  A claim is kept until its batch is committed, so a flush that dies half-way loses nothing
  (see RedisViewBuffer).

If writing the claimed counts to the database fails, they are put back into the buffer.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
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

    # The flush's protocol (see RedisViewBuffer): in process memory a claim needs no journal, a
    # crash loses the process's counts whatever happens.
    BATCH = MAX_BATCHES = 1_000_000_000

    def claim(self, batch: str) -> dict[int, int]:
        return self.drain()

    def release(self, batch: str) -> None:
        pass

    def restore(self, batch: str, counts: Mapping[int, int]) -> None:
        self.add(counts)

    def claims(self) -> list[str]:
        return []

    def claimed(self, batch: str) -> dict[int, int]:
        return {}

    def pending(self) -> int:
        with self._lock:
            return sum(self._counts.values())


# Moves up to ARGV[2] stories' counts from the buffer into one claim (a hash named for the
# flush batch) and lists the claim, in one atomic step: every count is in exactly one place.
_CLAIM = """
local ids = redis.call('SPOP', KEYS[1], ARGV[2])
for _, id in ipairs(ids) do
  local key = ARGV[1] .. id
  local value = redis.call('GETDEL', key)
  if value then redis.call('HINCRBY', KEYS[2], id, value) end
end
redis.call('SADD', KEYS[3], ARGV[3])
return redis.call('HGETALL', KEYS[2])
"""
# Puts a claim's counts back into the buffer and forgets the claim (the database write failed).
_RESTORE = """
local entries = redis.call('HGETALL', KEYS[2])
for i = 1, #entries, 2 do
  redis.call('INCRBY', ARGV[1] .. entries[i], entries[i + 1])
  redis.call('SADD', KEYS[1], entries[i])
end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[2])
return #entries / 2
"""


class RedisViewBuffer:
    """Counts in Redis; the flush takes them in claims.

    A flush claims a batch of stories (`claim`: the counts move atomically from the buffer into
    a hash named for the batch, which is listed in the claims set), writes them to the database
    in one transaction that also records the batch (stats.FlushBatch), and then `release`s the
    claim. If the write fails, `restore` puts the counts back. If the flushing process dies
    after claiming, the claim stays listed: the next flush finds it (`claims`) and applies it,
    unless the database already has its batch (the process died after committing), so no count
    is lost or written twice.
    """

    BATCH = 1000
    MAX_BATCHES = 100  # one flush takes at most 100,000 stories; the rest waits for the next

    def __init__(self, url: str, prefix: str, kind: str = "views", key_type: type = int) -> None:
        import redis

        self.client = redis.Redis.from_url(url, **redis_fail_fast())
        self.prefix = f"{prefix}:{kind}"
        # Story ids (views, reads), or strings such as "story_id|host" (sources).
        self.key_type = key_type
        self.dirty_key = f"{self.prefix}:dirty"
        self.claims_key = f"{self.prefix}:claims"
        self._claim = self.client.register_script(_CLAIM)
        self._restore = self.client.register_script(_RESTORE)

    def _claim_key(self, batch: str) -> str:
        return f"{self.prefix}:claim:{batch}"

    def _as_key(self, raw):
        if self.key_type is int:
            return int(raw)
        return raw.decode() if isinstance(raw, bytes) else str(raw)

    def _counts(self, pairs) -> dict:
        if isinstance(pairs, dict):
            return {self._as_key(key): int(value) for key, value in pairs.items()}
        return {self._as_key(pairs[i]): int(pairs[i + 1]) for i in range(0, len(pairs), 2)}

    def claim(self, batch: str) -> dict[int, int]:
        keys = [self.dirty_key, self._claim_key(batch), self.claims_key]
        return self._counts(self._claim(keys=keys, args=[f"{self.prefix}:", self.BATCH, batch]))

    def release(self, batch: str) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(self._claim_key(batch))
        pipe.srem(self.claims_key, batch)
        pipe.execute()

    def restore(self, batch: str, counts: Mapping[int, int] | None = None) -> None:
        keys = [self.dirty_key, self._claim_key(batch), self.claims_key]
        self._restore(keys=keys, args=[f"{self.prefix}:", batch])

    def claims(self) -> list[str]:
        return sorted(member.decode() for member in self.client.smembers(self.claims_key))

    def claimed(self, batch: str) -> dict[int, int]:
        return self._counts(self.client.hgetall(self._claim_key(batch)))

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
        """Take every pending count at once (claims released straight away: no journal)."""
        drained: Counter[int] = Counter()
        for _ in range(self.MAX_BATCHES):
            batch = f"drain-{uuid.uuid4().hex}"
            counts = self.claim(batch)
            self.release(batch)
            drained.update(counts)
            if len(counts) < self.BATCH:
                break
        return dict(drained)

    def pending(self) -> int:
        ids = self.client.smembers(self.dirty_key)
        values = self.client.mget([self._key(i) for i in ids]) if ids else []
        return sum(int(v) for v in values if v)

    def clear(self) -> None:
        ids = self.client.smembers(self.dirty_key)
        claims = [self._claim_key(batch) for batch in self.claims()]
        self.client.delete(self.dirty_key, self.claims_key, *claims, *[self._key(i) for i in ids])


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


def make_buffer(kind: str = "views", key_type: type = int):
    if settings.REDIS_URL:
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        return RedisViewBuffer(settings.REDIS_URL, prefix, kind, key_type)
    return LocalViewBuffer()


def make_tally(buffer):
    # Locally the buffer is process memory and serves as the tally. With Redis, a per-process
    # tally batches the round trip (BYLINE_VIEW_PUSH_SECONDS, default 1 s).
    if isinstance(buffer, RedisViewBuffer):
        return ViewTally(buffer, settings.VIEW_PUSH_SECONDS)
    return buffer


buffer = make_buffer("views")
tally = make_tally(buffer)
# Reads (a reader reached the end of the story: byline.stats.reads) are counted the same way.
read_buffer = make_buffer("reads")
read_tally = make_tally(read_buffer)
# Arrivals by where the reader came from, keyed "story_id|host" (byline.stats.sources).
source_buffer = make_buffer("sources", key_type=str)
source_tally = make_tally(source_buffer)
# Readers of the day, keyed "story_id|day|digest" (byline.stats.services.reader_digest).
reader_buffer = make_buffer("readers", key_type=str)
reader_tally = make_tally(reader_buffer)
# How far readers got, keyed "story_id|depth" (byline.stats.reads).
depth_buffer = make_buffer("depths", key_type=str)
depth_tally = make_tally(depth_buffer)


def counters():
    """(kind, tally, buffer) of every count the flush writes, in the order it writes them
    (read when called: tests swap buffers)."""
    return (
        ("views", tally, buffer),
        ("reads", read_tally, read_buffer),
        ("sources", source_tally, source_buffer),
        ("readers", reader_tally, reader_buffer),
        ("depths", depth_tally, depth_buffer),
    )
