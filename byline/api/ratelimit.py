"""The API's rate limits, counted by byline.core.ratelimit.

Two limits apply to every API request: one per client address, one per token (or per signed-in
account for session calls). Both are set by environment variables (docs/configuration.md, "API").
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from byline.core.ratelimit import client_address, rate_hit


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
