"""The full-page cache for anonymous story pages.

A published story page is rendered by Django once per change and kept, bytes and final headers
together, in a per-process store. `byline.core.fastpath.FastPath` (the WSGI wrapper in
`byline/wsgi.py`) answers later anonymous requests from it without entering Django.

How a page gets in (`PageCacheMiddleware`, first in MIDDLEWARE so it sees the final headers):
the view calls `cacheable_for(request, story)` before rendering (which reads the story's version)
and `mark(response, ticket)` after; the middleware stores the response if the request carried no
session cookie and no credentials, the response is a 200 without cookies, and the story's version
did not change while it was being rendered. Headers are captured, not re-implemented: CSP, HSTS,
X-Frame-Options, nosniff, Referrer-Policy and COOP are exactly what Django's middleware sent.

How it goes out: every change that shows on the page (story saved or deleted, a comment, a
rating, an insight, a like, the author's profile) bumps the story's version (`bump`), both when it
happens and after the transaction commits. A stored page whose version is no longer current is
dropped on its next request. Versions live where every worker sees them: files in the data folder
(embedded: one `stat()` per request) or Redis keys (scale path: checked at most every
BYLINE_PAGE_CACHE_CHECK_SECONDS per page and process, so other workers may serve the previous
version for that long). Every page also expires after a time that keeps "Published 5 minutes
ago" right (see `ttl_for`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from byline.core.pageversions import FileVersions, RedisVersions

logger = logging.getLogger(__name__)

# Headers a 304 keeps (RFC 9110 15.4.5 plus the security headers): everything except content.
_CONTENT_HEADERS = {"content-type", "content-length", "content-encoding", "content-language"}


@dataclass(slots=True)
class Page:
    story_id: int
    version: tuple
    headers: list[tuple[str, str]]
    body: bytes
    etag: str
    last_modified: float
    expires: float  # wall-clock time after which the page is rendered again
    checked: float  # monotonic time of the last version check

    @property
    def not_modified_headers(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.headers if k.lower() not in _CONTENT_HEADERS]

    def is_not_modified(self, if_none_match: str | None, if_modified_since: str | None) -> bool:
        """RFC 9110 13.2.2: If-None-Match wins over If-Modified-Since."""
        if if_none_match is not None:
            if if_none_match.strip() == "*":
                return True
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return self.etag in tags
        if if_modified_since is not None:
            since = parse_http_date_safe(if_modified_since)
            return since is not None and since >= int(self.last_modified)
        return False


# --- The store ------------------------------------------------------------------------------


class PageStore:
    """Pages by (is_secure, path), bounded in bytes (oldest stored dropped first)."""

    def __init__(self, versions, max_bytes: int) -> None:
        self.versions = versions
        self.max_bytes = max_bytes
        self._pages: dict[tuple[bool, str], Page] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[bool, str], now: float | None = None) -> Page | None:
        """The stored page if it is still current, else None (and it is dropped)."""
        page = self._pages.get(key)
        if page is None:
            return None
        if (now or time.time()) >= page.expires:
            self.discard(key)
            return None
        checked = time.monotonic()
        if checked - page.checked >= self.versions.check_every:
            try:
                current = self.versions.current(page.story_id)
            except Exception as error:
                # Cannot tell what changed while Redis is away: drop every page, Django answers.
                logger.warning("Page cache: cannot read versions (%s); pages dropped", error)
                self.clear()
                return None
            if current != page.version:
                self.discard(key)
                return None
            page.checked = checked
        return page

    def put(self, key: tuple[bool, str], page: Page) -> None:
        size = len(page.body)
        if size > self.max_bytes // 4:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            while self._pages and self._bytes + size > self.max_bytes:
                oldest = next(iter(self._pages))
                self._bytes -= len(self._pages.pop(oldest).body)
            self._pages[key] = page
            self._bytes += size

    def discard(self, key: tuple[bool, str]) -> None:
        with self._lock:
            page = self._pages.pop(key, None)
            if page is not None:
                self._bytes -= len(page.body)

    def discard_story(self, story_id: int) -> None:
        for key, page in list(self._pages.items()):
            if page.story_id == story_id:
                self.discard(key)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._pages)


def _make_store() -> PageStore:
    if settings.REDIS_URL:
        versions = RedisVersions(
            settings.REDIS_URL,
            settings.CACHES["default"].get("KEY_PREFIX", ""),
            settings.PAGE_CACHE_CHECK_SECONDS,
        )
    else:
        versions = FileVersions(settings.DATA_DIR / "pagecache")
    return PageStore(versions, settings.PAGE_CACHE_MB * 1024 * 1024)


store = _make_store()


# --- Which requests and responses qualify ---------------------------------------------------

_PUBLIC_COOKIES = frozenset({settings.CSRF_COOKIE_NAME})


def request_is_anonymous(environ) -> bool:
    """True if the request carries nothing that could make its page personal.

    No credentials and no cookie except the CSRF token (which no cached page contains: a page
    with a form sets the cookie, and responses that set cookies are never stored).
    """
    if environ.get("HTTP_AUTHORIZATION"):
        return False
    cookie = environ.get("HTTP_COOKIE")
    if cookie:
        # Split the way Django's own parse_cookie does, so no cookie Django would see is missed.
        for chunk in cookie.split(";"):
            name = chunk.split("=", 1)[0].strip() if "=" in chunk else chunk.strip()
            if name and name not in _PUBLIC_COOKIES:
                return False
    return True


def request_key(environ) -> tuple[bool, str]:
    if settings.SECURE_PROXY_SSL_HEADER:
        header, value = settings.SECURE_PROXY_SSL_HEADER
        secure = environ.get(header, "").split(",")[0].strip() == value
    else:
        secure = environ.get("wsgi.url_scheme") == "https"
    return (secure, environ.get("PATH_INFO", ""))


def ttl_for(published_at: dt.datetime | None, now: dt.datetime | None = None) -> int:
    """Seconds a page may be kept so that its relative publish time stays right.

    "a few seconds ago" turns into "a minute ago" within a minute; minutes are shown up to 45, hours
    up to 22, days after that; each TTL is well under the step of what the page shows.
    """
    if published_at is None:
        return settings.PAGE_CACHE_TTL
    age = ((now or timezone.now()) - published_at).total_seconds()
    if age < 45 * 60:
        limit = 15
    elif age < 22 * 3600:
        limit = 300
    else:
        limit = 3600
    return max(1, min(limit, settings.PAGE_CACHE_TTL))


@dataclass(slots=True)
class Ticket:
    story_id: int
    version: tuple
    ttl: int


# What the cache needs to know of the apps above core, which they register from ready(): whether
# a story is public (stories), and who counts a view of a story page (stats), whether the fast
# path answers it from the store or the story view renders it.
# With no public check registered nothing is cached.
_public_check: Callable[[object], bool] | None = None
page_view_hooks: list[Callable[[int], None]] = []


def register_public_check(check: Callable[[object], bool]) -> None:
    """`check(story)` is True when anyone may read the story: only such pages are stored."""
    global _public_check
    _public_check = check


def register_page_view(hook: Callable[[int], None]) -> None:
    """`hook(story_id)` runs for every reader's view of a story page: those the fast path
    answers from the store and those the story view renders (`page_viewed`)."""
    if hook not in page_view_hooks:
        page_view_hooks.append(hook)


def page_viewed(story_id: int) -> None:
    for hook in page_view_hooks:
        hook(story_id)


def cacheable_for(request, story) -> Ticket | None:
    """A ticket if `story`'s page, as rendered for `request`, may go into the shared cache.

    Call before rendering: the version read here is the one the stored page will carry, so a
    change committed during rendering makes the stored page stale at once.
    """
    if not settings.PAGE_CACHE or request.method != "GET" or request.GET:
        return None
    if request.user.is_authenticated or not request_is_anonymous(request.META):
        return None
    if _public_check is None or not _public_check(story):
        return None
    try:
        version = store.versions.current(story.pk)
    except Exception:
        logger.warning("Page cache: cannot read versions", exc_info=True)
        return None
    return Ticket(story_id=story.pk, version=version, ttl=ttl_for(story.published_at))


def mark(response, ticket: Ticket | None):
    response.page_cache_ticket = ticket
    return response


def bump(story_id: int) -> None:
    """The story's page changed: drop it here and make every other worker drop it too.

    Never fails the write that caused it: if the version cannot be bumped (Redis away), the
    other workers cannot read versions either and drop their pages on their next check, and
    the bump is made once Redis answers again (RedisVersions).
    """
    store.discard_story(story_id)
    try:
        store.versions.bump(story_id)
    except Exception as error:
        logger.warning("Page cache: version of story %s bumped later (%s)", story_id, error)


def bump_all() -> None:
    store.clear()
    try:
        store.versions.bump_all()
    except Exception as error:
        logger.warning("Page cache: site-wide version bumped later (%s)", error)


# --- The middleware -------------------------------------------------------------------------


class PageCacheMiddleware:
    """Stores marked anonymous pages; answers 304s; sets Cache-Control on every HTML response.

    Must come first in MIDDLEWARE: what it stores is what the client would have received.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        ticket = getattr(response, "page_cache_ticket", None)
        if ticket is not None:
            return self._store(request, response, ticket)
        if "Cache-Control" not in response and (
            response.cookies
            or not request_is_anonymous(request.META)
            or (hasattr(request, "user") and request.user.is_authenticated)
        ):
            # Personal: no shared cache may keep it, no browser may reuse it.
            patch_cache_control(response, private=True, no_store=True)
        return response

    def _store(self, request, response, ticket: Ticket):
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token
            or request.user.is_authenticated
            or not request_is_anonymous(request.META)
        ):
            patch_cache_control(response, private=True, no_store=True)
            return response
        body = response.content
        now = time.time()
        ttl = ticket.ttl
        response["ETag"] = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
        response["Last-Modified"] = http_date(now)
        max_age = min(settings.PAGE_MAX_AGE, ttl)
        response["Cache-Control"] = f"public, max-age={max_age}, s-maxage={max_age}"
        page = Page(
            story_id=ticket.story_id,
            version=ticket.version,
            headers=list(response.items()),
            body=body,
            etag=response["ETag"],
            last_modified=now,
            expires=now + ttl,
            checked=time.monotonic(),
        )
        # Only keep it if nothing changed while it was being rendered.
        try:
            unchanged = store.versions.current(ticket.story_id) == ticket.version
        except Exception:
            unchanged = False
        if unchanged:
            store.put(request_key(request.META), page)
        if page.is_not_modified(
            request.META.get("HTTP_IF_NONE_MATCH"), request.META.get("HTTP_IF_MODIFIED_SINCE")
        ):
            from django.http import HttpResponseNotModified

            not_modified = HttpResponseNotModified()
            for name, value in page.not_modified_headers:
                not_modified[name] = value
            return not_modified
        return response
