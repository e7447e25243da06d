"""The fast path in a real browser, behind a real (threaded) WSGI server, as granian runs it."""

from __future__ import annotations

import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler

from byline.core import pagecache
from byline.core.fastpath import FastPath
from byline.tests.browser import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def fast_server():
    pagecache.store.clear()
    server = make_server(
        "127.0.0.1", 0, FastPath(WSGIHandler()), server_class=_Server, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    pagecache.store.clear()


def new_page(browser, base_url: str, viewport: dict):
    context = browser.new_context(viewport=viewport, base_url=base_url)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(base_url) else route.abort()
        ),
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return context, page


def test_a_reader_gets_the_cached_page_with_its_security_headers_and_no_one_elses_session(
    browser, fast_server, story, bob, client
):
    client.force_login(bob)
    bob_session = client.cookies["sessionid"].value

    # Bob, signed in, reads first: his page is personal and must not be shared.
    context, page = new_page(browser, fast_server, DESKTOP)
    context.add_cookies([{"name": "sessionid", "value": bob_session, "url": fast_server}])
    response = page.goto(story.get_absolute_url())
    assert "no-store" in response.headers["cache-control"]
    assert page.locator(".account-menu__name").inner_text() == "Bob Reader"
    context.close()
    assert len(pagecache.store) == 0

    for viewport, name in ((PHONE, "fastpath-story-phone"), (DESKTOP, "fastpath-story-desktop")):
        context, page = new_page(browser, fast_server, viewport)
        first = page.goto(story.get_absolute_url())
        assert first.status == 200
        headers = first.headers
        assert headers["cache-control"].startswith("public, max-age=")
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        # The stylesheet loaded under the CSP: the page is styled, not raw HTML.
        assert page.locator(".site-header").evaluate("e => getComputedStyle(e).display") != ""
        assert page.get_by_role("heading", level=1).inner_text() == "The River Remembers"
        assert page.get_by_text("Sign in to comment").is_visible()
        assert "Bob" not in page.content()
        # A reload revalidates with the ETag and gets a 304 from the fast path.
        again = page.reload()
        assert again.status in (200, 304)
        assert page.get_by_role("heading", level=1).inner_text() == "The River Remembers"
        assert page.errors == []
        screenshot(page, name)
        context.close()
    assert len(pagecache.store) == 1
