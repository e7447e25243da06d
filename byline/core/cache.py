"""Django's Redis cache, made to degrade while Redis is unreachable instead of failing the
request that uses it.

The cache holds nothing that is not kept elsewhere or cannot be rebuilt (sessions are in the
database too, on `cached_db`; footers and rate windows are recomputed), so while Redis is away:

- reads miss (`get` answers the default, `get_many` nothing, `has_key` False);
- writes are dropped (`set`, `delete`...), and each key they missed is remembered and deleted
  once Redis answers again, before anything else is read: a value that changed or was deleted
  during the outage (an ended session above all) never comes back from Redis afterwards;
- `add` answers False: nobody gets a lock or a "first one wins" slot that cannot be kept;
- `incr`/`decr` raise `CacheUnavailable`: a count cannot be made up, the caller decides
  (the API's rate limits count in the process meanwhile, byline.api.ratelimit);
- keys under FAIL_CLOSED_PREFIXES raise `CacheUnavailable` for every operation: the
  authentication rate limits (sign-in, sign-up, password reset) must not be lifted by an outage,
  so those forms answer the 503 page until Redis is back.

After a failure, Redis is left alone for RETRY_SECONDS (every call degrades at once), so an
outage costs each request microseconds, not a connection timeout per cache call. One warning is
logged when the cache goes away and one line when it is back.

Why not django-redis's IGNORE_EXCEPTIONS: Byline uses Django's built-in backend (one fewer
dependency), and ignoring errors alone would let a session ended during the outage come back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
# Keys (as the caller names them, before KEY_PREFIX) whose limits must hold during an outage.
FAIL_CLOSED_PREFIXES = ("allauth:rl:",)
# Keys missed during one outage that are remembered for repair; past this, the rest simply
# expire (their timeouts still apply) and a warning says so.
MAX_STALE_KEYS = 100_000

_OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError)


class CacheUnavailable(RedisConnectionError):
    """Raised where a degraded answer would be wrong; an outage for the site's error handling
    (byline.core.health answers 503)."""


class _Health:
    """Per Redis location and process: shared by the cache objects of every thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0
        self.stale: set[str] = set()
        self.overflowed = False


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def _health_for(location: str) -> _Health:
    with _health_lock:
        return _health.setdefault(location, _Health())


def reset_health() -> None:
    """Forget every outage (tests)."""
    with _health_lock:
        _health.clear()


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._health = _health_for(str(server))

    # --- the guard ------------------------------------------------------------------------

    def _try(self, call):
        """`call()`, once more at once if Redis was up until now: a pooled connection that a
        Redis restart has closed fails once, and redis-py then opens a new one."""
        try:
            return call()
        except _OUTAGE_ERRORS:
            if self._health.down:
                raise
        return call()

    def _available(self) -> bool:
        """False while resting after a failure. Once due, repairs the keys missed during the
        outage before any other call; a failed repair is a failed call."""
        health = self._health
        if health.down and time.monotonic() < health.retry_at:
            return False
        if health.stale or health.down:
            try:
                self._repair()
            except _OUTAGE_ERRORS as error:
                self._failed(error)
                return False
        return True

    def _repair(self) -> None:
        health = self._health
        with health.lock:
            keys, health.stale = list(health.stale), set()
        try:
            for start in range(0, len(keys), 1000):
                batch = keys[start : start + 1000]
                self._try(lambda batch=batch: self._cache.delete_many(batch))
            if not keys:
                self._try(lambda: self._cache.get_client().ping())
        except BaseException:
            with health.lock:
                health.stale.update(keys)
            raise
        if health.down:
            health.down = False
            logger.warning(
                "Cache: Redis answers again; %d keys missed during the outage were dropped",
                len(keys),
            )
            if health.overflowed:
                logger.warning(
                    "Cache: more than %d keys were missed; the others expire on their own",
                    MAX_STALE_KEYS,
                )
                health.overflowed = False

    def _failed(self, error: BaseException) -> None:
        health = self._health
        health.retry_at = time.monotonic() + RETRY_SECONDS
        if not health.down:
            health.down = True
            logger.warning("Cache: Redis unreachable (%s); serving without it", error)

    def _missed(self, keys: Iterable[str], version) -> None:
        """Keys whose write Redis did not get: delete them once it is back."""
        health = self._health
        with health.lock:
            for key in keys:
                if len(health.stale) >= MAX_STALE_KEYS:
                    health.overflowed = True
                    return
                health.stale.add(self.make_and_validate_key(key, version=version))

    @staticmethod
    def _fail_closed(keys: tuple) -> bool:
        return any(str(key).startswith(FAIL_CLOSED_PREFIXES) for key in keys)

    def _guard(self, keys: tuple, call, degraded, *, version=None, writes: bool = False):
        """`call()`; during an outage `degraded` instead (fail-closed keys raise)."""
        error = None
        if self._available():
            try:
                return self._try(call)
            except _OUTAGE_ERRORS as caught:
                self._failed(caught)
                error = caught
        if self._fail_closed(keys):
            raise CacheUnavailable(f"the cache is unreachable ({keys[0]})") from error
        if writes:
            self._missed(keys, version)
        return degraded

    # --- the cache API ----------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # A dropped add wrote nothing: there is nothing to repair.
        parent = super()
        return self._guard((key,), lambda: parent.add(key, value, timeout, version), False)

    def get(self, key, default=None, version=None):
        parent = super()
        return self._guard((key,), lambda: parent.get(key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        self._guard(
            (key,),
            lambda: parent.set(key, value, timeout, version),
            None,
            version=version,
            writes=True,
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._guard((key,), lambda: parent.touch(key, timeout, version), False)

    def delete(self, key, version=None):
        parent = super()
        return self._guard(
            (key,), lambda: parent.delete(key, version), False, version=version, writes=True
        )

    def get_many(self, keys, version=None):
        keys = list(keys)
        if not keys:
            return {}
        parent = super()
        return self._guard(tuple(keys), lambda: parent.get_many(keys, version), {})

    def has_key(self, key, version=None):
        parent = super()
        return self._guard((key,), lambda: parent.has_key(key, version), False)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        parent = super()
        return self._guard(
            tuple(data),
            lambda: parent.set_many(data, timeout, version),
            [],
            version=version,
            writes=True,
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        if not keys:
            return
        parent = super()
        self._guard(
            tuple(keys),
            lambda: parent.delete_many(keys, version),
            None,
            version=version,
            writes=True,
        )

    def incr(self, key, delta=1, version=None):
        error = None
        if self._available():
            try:
                return self._try(lambda: super(ResilientRedisCache, self).incr(key, delta, version))
            except _OUTAGE_ERRORS as caught:
                self._failed(caught)
                error = caught
        raise CacheUnavailable(f"the cache is unreachable ({key})") from error


def redis_fail_fast() -> dict:
    """Client options for the request path: when Redis is away, fail in milliseconds (no retries
    with back-off) so that pages go on being served and views wait for the next push."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {"socket_timeout": 0.5, "socket_connect_timeout": 0.5, "retry": Retry(NoBackoff(), 0)}
