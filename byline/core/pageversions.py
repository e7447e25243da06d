"""Where the page cache keeps each story page's version, so that every worker sees a change:
files in the data folder (embedded: one `stat()` per request) or Redis keys (scale path: read
at most every BYLINE_PAGE_CACHE_CHECK_SECONDS per page and process). See byline.core.pagecache.
"""

from __future__ import annotations

import logging
import os
import threading
import time

logger = logging.getLogger(__name__)


class FileVersions:
    """Versions as files in the data folder: every worker on the machine sees a bump at once."""

    def __init__(self, folder) -> None:
        self.folder = str(folder)
        os.makedirs(self.folder, exist_ok=True)
        self.check_every = 0.0
        self._all = f"{self.folder}/all"
        self._all_stamp: tuple[int, int] = (0, 0)
        self._all_checked = -1.0

    @staticmethod
    def _name(story_id: int) -> str:
        return f"{story_id % 256:02x}/{story_id}"  # no folder of a million files

    @staticmethod
    def _stamp(path: str) -> tuple[int, int]:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return (0, 0)
        return (st.st_ino, st.st_mtime_ns)

    def current(self, story_id: int) -> tuple:
        # One stat() per request sees a story's change at once from every worker; site-wide
        # changes (a community renamed, a footer page) are rare and re-checked once a second.
        now = time.monotonic()
        if now - self._all_checked >= 1.0:
            self._all_stamp, self._all_checked = self._stamp(self._all), now
        return (*self._all_stamp, *self._stamp(f"{self.folder}/{story_id % 256:02x}/{story_id}"))

    def _replace(self, name: str) -> None:
        # A new inode on every bump: two bumps in the same nanosecond still differ.
        path = os.path.join(self.folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.{threading.get_ident()}"
        with open(tmp, "w") as handle:
            handle.write(str(time.time_ns()))
        os.replace(tmp, path)

    def bump(self, story_id: int) -> None:
        self._replace(self._name(story_id))

    def bump_all(self) -> None:
        self._replace("all")
        self._all_checked = -1.0


class RedisVersions:
    """Versions as Redis counters, shared by every worker on every machine.

    A bump that Redis does not get (it is unreachable) is kept in this process and made before
    anything else once Redis answers, so no worker goes on serving a page that changed during
    the outage."""

    def __init__(self, url: str, prefix: str, check_every: float) -> None:
        import redis

        from byline.core.cache import redis_fail_fast

        # When Redis is away, pages go through Django at once instead of waiting.
        self.client = redis.Redis.from_url(url, **redis_fail_fast())
        self.prefix = f"{prefix}:pagecache:v"
        self.check_every = check_every
        self._missed: set[str] = set()
        self._lock = threading.Lock()

    def _key(self, story_id: int | str) -> str:
        return f"{self.prefix}:{story_id}"

    def _replay(self) -> None:
        if not self._missed:
            return
        with self._lock:
            missed, self._missed = self._missed, set()
        try:
            pipe = self.client.pipeline(transaction=False)
            for key in missed:
                pipe.incr(key)
            pipe.execute()
        except Exception:
            with self._lock:
                self._missed |= missed
            raise
        logger.warning("Page cache: made %d version bumps missed while Redis was away", len(missed))

    def _bump(self, key: str) -> None:
        try:
            self._replay()
            self.client.incr(key)
        except Exception:
            with self._lock:
                self._missed.add(key)
            raise

    def current(self, story_id: int) -> tuple:
        self._replay()
        return tuple(self.client.mget(self._key("all"), self._key(story_id)))

    def bump(self, story_id: int) -> None:
        self._bump(self._key(story_id))

    def bump_all(self) -> None:
        self._bump(self._key("all"))
