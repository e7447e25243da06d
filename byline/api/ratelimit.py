"""Fixed-window rate limits kept in the cache (atomic `incr`, so correct across processes on Redis).

Two limits apply to every API request: one per client address, one per token (or per signed-in
account for session calls). Both are set by environment variables (docs/configuration.md, "API").

While the cache is unreachable, each process counts on its own (`_count_here`): the limits still
hold per process rather than being lifted, and the API keeps answering (docs/security.md).
"""

from __future__ import annotations

import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from byline.core.cache import CacheUnavailable
from byline.core.logs import client_ip

WINDOW_SECONDS = 60
_here: dict[str, int] = {}
_here_bucket: int | None = None
_here_lock = threading.Lock()


def _count_here(cache_key: str, bucket: int) -> int:
    """One request counted in this process (only while the cache cannot count)."""
    global _here_bucket
    with _here_lock:
        if bucket != _here_bucket:  # a new window: the old counts are over
            _here.clear()
            _here_bucket = bucket
        _here[cache_key] = _here.get(cache_key, 0) + 1
        return _here[cache_key]


def rate_hit(key: str, *, limit: int, window: int = WINDOW_SECONDS) -> int | None:
    """Count one request against `key`; the seconds to wait when over `limit`, else None."""
    now = time.time()
    bucket = int(now // window)
    cache_key = f"ratelimit:{key}:{bucket}"
    try:
        cache.add(cache_key, 0, timeout=window + 5)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # evicted between add and incr
            cache.set(cache_key, 1, timeout=window + 5)
            count = 1
    except CacheUnavailable:
        count = _count_here(cache_key, bucket)
    if count > limit:
        return max(1, math.ceil((bucket + 1) * window - now))
    return None


class _CacheThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._local = threading.local()

    def key(self, request: HttpRequest) -> str | None:
        raise NotImplementedError

    def limit(self) -> int:
        raise NotImplementedError

    def allow_request(self, request: HttpRequest) -> bool:
        key = self.key(request)
        wait = None if key is None else rate_hit(key, limit=self.limit())
        self._local.wait = wait
        return wait is None

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


def client_address(request: HttpRequest) -> str:
    """The caller's address, by the same rule as every other limit and log line
    (`byline.core.logs.client_ip`: BYLINE_TRUSTED_PROXY_COUNT proxies' entries are skipped)."""
    return client_ip(request) or request.META.get("REMOTE_ADDR", "")


class AddressThrottle(_CacheThrottle):
    def key(self, request: HttpRequest) -> str | None:
        return f"addr:{client_address(request)}"

    def limit(self) -> int:
        return settings.API_RATE_PER_ADDRESS


class ClientThrottle(_CacheThrottle):
    """Per token; session calls count per account; anonymous calls only per address."""

    def key(self, request: HttpRequest) -> str | None:
        principal = getattr(request, "auth", None)
        if principal is None or not principal.user.is_authenticated:
            return None
        if principal.token is not None:
            return f"token:{principal.token.pk}"
        return f"user:{principal.user.pk}"

    def limit(self) -> int:
        return settings.API_RATE_PER_TOKEN
