"""The anonymous fast path: a WSGI wrapper that answers cached story pages before Django.

Measured: granian returns a 12 KB body from a trivial WSGI callable at ~65 % of nginx,
and even a per-view cache inside Django stays near 5 %, because the middleware stack and the view
machinery cost far more than the page. So a cached anonymous page is answered here, in a few
dictionary look-ups, with the bytes and headers Django produced when it rendered the page
(`byline.core.pagecache`). Anything else goes to Django untouched:

- methods other than GET and HEAD, any query string;
- any request with credentials or a cookie other than the CSRF token (a session cookie means the
  reader may be signed in: their page is never shared);
- a Host header Django would reject (checked against ALLOWED_HOSTS, as Django does);
- pages not in the store, expired, or whose story changed since they were stored.

A GET answered here still counts a view. `If-None-Match` / `If-Modified-Since` get a 304.

Apps above core may also answer a POST to one path here (`register_post`: the read beacon of
byline.stats), for anonymous requests on an allowed host; the handler returns None to hand the
request to Django instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from byline.core import pagecache

logger = logging.getLogger(__name__)

# path -> handler(environ) returning (status, headers, body), or None for Django to answer.
PostHandler = Callable[[dict], tuple[str, list[tuple[str, str]], bytes] | None]
_post_handlers: dict[str, PostHandler] = {}


def register_post(path: str, handler: PostHandler) -> None:
    _post_handlers[path] = handler


class FastPath:
    def __init__(self, application) -> None:
        self.application = application
        self._hosts: dict[str, bool] = {}
        self._view_hooks = pagecache.page_view_hooks
        self._store = pagecache.store
        self._anonymous = pagecache.request_is_anonymous
        self._key = pagecache.request_key

    def _host_allowed(self, environ) -> bool:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        allowed = self._hosts.get(host)
        if allowed is None:
            domain, _port = split_domain_port(host)
            hosts = settings.ALLOWED_HOSTS
            if settings.DEBUG and not hosts:
                hosts = [".localhost", "127.0.0.1", "[::1]"]
            allowed = bool(domain) and validate_host(domain, hosts)
            if len(self._hosts) < 1000:
                self._hosts[host] = allowed
        return allowed

    def _post(self, environ, start_response):
        handler = _post_handlers.get(environ.get("PATH_INFO", ""))
        if (
            handler is None
            or environ.get("QUERY_STRING")
            or not self._anonymous(environ)
            or not self._host_allowed(environ)
        ):
            return self.application(environ, start_response)
        try:
            answer = handler(environ)
        except Exception:  # never a traceback for a visitor: Django answers instead
            logger.exception("Fast path POST failed; handing the request to Django")
            answer = None
        if answer is None:
            return self.application(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method == "POST" and _post_handlers:
            return self._post(environ, start_response)
        if (
            (method != "GET" and method != "HEAD")
            or environ.get("QUERY_STRING")
            or not self._anonymous(environ)
        ):
            return self.application(environ, start_response)
        try:
            page = self._store.get(self._key(environ))
            if page is None or not self._host_allowed(environ):
                return self.application(environ, start_response)
            if method == "GET":
                for hook in self._view_hooks:
                    hook(page.story_id)
            not_modified = page.is_not_modified(
                environ.get("HTTP_IF_NONE_MATCH"), environ.get("HTTP_IF_MODIFIED_SINCE")
            )
        except Exception:  # never a traceback for a visitor: Django answers instead
            logger.exception("Fast path failed; handing the request to Django")
            return self.application(environ, start_response)
        if not_modified:
            start_response("304 Not Modified", page.not_modified_headers)
            return []
        start_response("200 OK", page.headers)
        return [] if method == "HEAD" else [page.body]
