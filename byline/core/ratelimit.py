"""Fixed-window rate limits kept in the cache (atomic `incr`, so correct across processes on
Redis), for the API, the read beacon and anything else that counts requests per key.

While the cache is unreachable, each process counts on its own (`_count_here`): the limits still
hold per process rather than being lifted, and the site keeps answering (docs/security.md).
"""

from __future__ import annotations

import math
import threading
import time

from django.core.cache import cache
from django.http import HttpRequest

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


def client_address(request: HttpRequest) -> str:
    """The caller's address, by the same rule as every other limit and log line
    (`byline.core.logs.client_ip`: BYLINE_TRUSTED_PROXY_COUNT proxies' entries are skipped)."""
    return client_ip(request) or request.META.get("REMOTE_ADDR", "")
