"""Request-wide middleware: request logs, replica pinning, and the door that refuses text no
database can store."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject, empty

from byline.core.db import PIN_COOKIE, pinned_to_primary, replica_aliases
from byline.core.text import is_storable

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
request_logger = logging.getLogger("byline.request")


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, without loading the user just to log it."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    if user is None or not user.is_authenticated:
        return None
    return user.pk


class RequestLogMiddleware:
    """One log line per request: method, path (never the query string: it may hold tokens),
    status, duration in milliseconds, user id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": _user_id(request),
        }
        level = logging.WARNING if response.status_code >= 500 else logging.INFO
        request_logger.log(
            level,
            "%s %s %s %.1fms user=%s",
            fields["method"],
            fields["path"],
            fields["status"],
            duration_ms,
            fields["user_id"] or "-",
            extra=fields,
        )
        return response


class PrimaryPinMiddleware:
    """Read-your-writes with replicas: an unsafe request reads from the primary, and so does the
    same client for REPLICA_PIN_SECONDS afterwards (see byline.core.db)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_aliases():
            return self.get_response(request)
        writes = request.method not in SAFE_METHODS
        with pinned_to_primary(writes or PIN_COOKIE in request.COOKIES):
            response = self.get_response(request)
        if writes and settings.REPLICA_PIN_SECONDS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _unstorable_field(request: HttpRequest) -> str | None:
    """The first place of the request (the address, a query or form field) holding text no
    database can store, or None."""
    if not is_storable(request.path):
        return "the address"
    sources = [request.GET]
    if request.method == "POST" and request.content_type in _FORM_TYPES:
        sources.append(request.POST)
    for data in sources:
        for key, values in data.lists():
            if not is_storable(key) or not all(is_storable(value) for value in values):
                return key if is_storable(key) else "a field name"
    return None


class StorableInputMiddleware:
    """A 400 page, before any view or query runs, for a request whose address, query string or
    form holds a NUL (byline.core.text.is_storable). PostgreSQL raises on a NUL in any query or
    write (a 500 from whichever view met it first) and SQLite would store it; no person types
    one. The JSON API answers the same in its own shape (byline.api.parser)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/api/"):
            where = _unstorable_field(request)
            if where is not None:
                context = {"where": where}
                return render(request, "core/unstorable_input.html", context, status=400)
        return self.get_response(request)


class ConflictMiddleware:
    """A state change that lost to a simultaneous one (byline.core.transitions.Conflict) is
    answered with 409 and a page that says what happened, never a 500 or a silent success.
    An htmx request gets the message as a notice and `HX-Refresh`: the page reloads and shows
    things as they are now (htmx swaps no 4xx answer into the page). Views that can offer more
    (the editor's "keep theirs or mine") catch Conflict themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.contrib import messages
        from django.utils.http import url_has_allowed_host_and_scheme

        from byline.core.transitions import Conflict

        if not isinstance(exception, Conflict):
            return None
        if getattr(request, "htmx", False):
            messages.error(request, exception.message)
            return HttpResponse(exception.message, status=409, headers={"HX-Refresh": "true"})
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = ""
        return render(
            request, "409.html", {"message": exception.message, "back_url": back}, status=409
        )
