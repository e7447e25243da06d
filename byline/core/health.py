"""Health endpoints for load balancers and orchestrators, and the answer of an outage.

/healthz  the process answers (touches nothing else: a database outage must not get the web
          processes restarted).
/readyz   the database(s) and the cache answer: 200 JSON, or 503 JSON naming what failed, so a
          load balancer stops sending visitors to an instance that cannot serve them.
"""

from __future__ import annotations

import logging
import secrets
import sys
from collections.abc import Callable

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30

try:  # The Redis client is installed with Byline, but the cache may be local memory.
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    _OUTAGES: tuple[type[BaseException], ...] = (
        OperationalError,
        InterfaceError,
        RedisConnectionError,
        RedisTimeoutError,
    )
except ImportError:  # pragma: no cover
    _OUTAGES = (OperationalError, InterfaceError)


def is_outage(error: BaseException) -> bool:
    """True when `error` says a service is unreachable (database, cache or queue), not a bug."""
    return isinstance(error, _OUTAGES)


# Parts of the site that answer errors in a format of their own (the API: JSON), by path prefix.
# Upper apps register here (AppConfig.ready) so that core need not know them.
ErrorResponder = Callable[[HttpRequest, int], HttpResponse]
_error_responders: dict[str, ErrorResponder] = {}


def register_error_responder(prefix: str, respond: ErrorResponder) -> None:
    """Answer the 500 and 503 of requests under `prefix` with `respond(request, status)`; a 503
    answer gets Retry-After here."""
    _error_responders[prefix] = respond


def _responder_for(request: HttpRequest | None) -> ErrorResponder | None:
    path = getattr(request, "path", "") or ""
    for prefix, respond in _error_responders.items():
        if path.startswith(prefix):
            return respond
    return None


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _check_database(alias: str) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("readyz: database %s unreachable: %s", alias, error)
        return f"unreachable ({type(error).__name__})"
    return "ok"


def _check_cache() -> str:
    key, token = "readyz:probe", secrets.token_hex(8)
    try:
        cache.set(key, token, 10)
        if cache.get(key) != token:
            return "unreachable (value not kept)"
    except Exception as error:  # any client error means "not ready"
        logger.warning("readyz: cache unreachable: %s", error)
        return f"unreachable ({type(error).__name__})"
    return "ok"


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    # Error details (host names, ports) go to the log, never to the public answer.
    checks = {
        ("database" if alias == "default" else f"database:{alias}"): _check_database(alias)
        for alias in connections
    }
    checks["cache"] = _check_cache()
    failed = [name for name, result in checks.items() if result != "ok"]
    if failed:
        body = {"status": "unavailable", "reason": f"{', '.join(failed)} unreachable"}
        response = JsonResponse({**body, "checks": checks}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "checks": checks})


def service_unavailable(request: HttpRequest | None = None) -> HttpResponse:
    """The friendly 503 page (or the 503 in the format of the part of the site asked, such as
    the API's JSON). Rendered without a request context: nothing on it may need the database
    or the cache, which are what is down."""
    respond = _responder_for(request)
    if respond is not None:
        response = respond(request, 503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an unreachable database or cache is an outage, not a bug: answer 503 with
    Retry-After so visitors, crawlers and proxies come back, and the site recovers by itself
    (CONN_HEALTH_CHECKS reconnects on the next request)."""
    error = sys.exc_info()[1]
    if error is not None and is_outage(error):
        return service_unavailable(request)
    respond = _responder_for(request)
    if respond is not None:
        return respond(request, 500)
    return HttpResponseServerError(loader.get_template("500.html").render())
