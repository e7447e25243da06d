"""The anonymous fast path and the full-page cache, through the real WSGI application."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from byline.comments.services import comment_create
from byline.conftest import make_story
from byline.core import pagecache
from byline.core.fastpath import FastPath
from byline.core.tests.wsgi import wsgi_request
from byline.insights.models import Insight, Rating
from byline.stats.services import view_counts_flush
from byline.stories.models import Story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_page_store(empty_stats_buffers):
    pagecache.store.clear()
    yield
    pagecache.store.clear()


@pytest.fixture
def application(settings):
    """What byline/wsgi.py serves, built after the test's settings (middleware reads them once)."""
    from django.core.handlers.wsgi import WSGIHandler

    return FastPath(WSGIHandler())


def test_the_wsgi_application_is_wrapped_in_the_fast_path():
    from byline.wsgi import application

    assert isinstance(application, FastPath)


PRIVATE = ("private, no-store", "no-store, private")


def session_cookie(client, user) -> str:
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def test_an_anonymous_story_page_is_answered_without_django_after_the_first_render(
    application, story, django_assert_num_queries
):
    first = wsgi_request(application, story.get_absolute_url())
    assert first.status_code == 200
    assert "The River Remembers" in first.text
    with django_assert_num_queries(0):
        second = wsgi_request(application, story.get_absolute_url())
    assert second.status_code == 200
    assert second.body == first.body
    assert second.headers == first.headers


def test_the_fast_path_sends_exactly_the_headers_django_sent(story, settings):
    from django.core.handlers.wsgi import WSGIHandler

    settings.SECURE_HSTS_SECONDS = 3600
    application = FastPath(WSGIHandler())
    rendered = wsgi_request(application, story.get_absolute_url(), scheme="https")
    cached = wsgi_request(application, story.get_absolute_url(), scheme="https")
    assert dict(cached.headers) == dict(rendered.headers)
    headers = dict(cached.headers)
    assert headers["Strict-Transport-Security"] == "max-age=3600"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"].startswith("public, max-age=")
    assert "s-maxage=" in headers["Cache-Control"]
    assert headers["ETag"].startswith('"')
    assert "Last-Modified" in headers
    assert "Set-Cookie" not in headers


def test_a_signed_in_readers_page_never_lands_in_the_shared_cache(
    application, client, story, bob, django_assert_max_num_queries
):
    cookie = session_cookie(client, bob)
    personal = wsgi_request(application, story.get_absolute_url(), headers={"Cookie": cookie})
    assert "Bob Reader" in personal.text
    assert personal.header("Cache-Control") in PRIVATE
    assert len(pagecache.store) == 0

    anonymous = wsgi_request(application, story.get_absolute_url())
    again = wsgi_request(application, story.get_absolute_url())
    for response in (anonymous, again):
        assert "Bob" not in response.text
        assert "Sign out" not in response.text
        assert "Sign in to comment" in response.text

    # With the anonymous page cached, Bob still gets his own page from Django.
    personal = wsgi_request(application, story.get_absolute_url(), headers={"Cookie": cookie})
    assert "Bob Reader" in personal.text
    assert "Sign out" in personal.text


def test_requests_with_a_session_cookie_or_credentials_never_get_the_cached_page(
    application, story, django_assert_max_num_queries
):
    wsgi_request(application, story.get_absolute_url())
    assert len(pagecache.store) == 1
    for headers in (
        {"Cookie": "sessionid=forged"},
        {"Cookie": "csrftoken=abc; sessionid=forged"},
        {"Cookie": "messages=anything"},
        {"Authorization": "Bearer token"},
    ):
        with django_assert_max_num_queries(50) as context:
            response = wsgi_request(application, story.get_absolute_url(), headers=headers)
        assert response.status_code == 200
        assert len(context.captured_queries) > 0, f"{headers} was answered by the fast path"
        assert "private" in response.header("Cache-Control")


def test_only_plain_gets_and_heads_of_the_exact_path_are_answered(
    application, story, django_assert_num_queries
):
    wsgi_request(application, story.get_absolute_url())
    with django_assert_num_queries(0):
        head = wsgi_request(application, story.get_absolute_url(), method="HEAD")
    assert head.status_code == 200
    assert head.body == b""
    assert int(head.header("Content-Length")) > 1000
    # A query string goes to Django (which renders, and does not replace the stored page).
    response = wsgi_request(application, story.get_absolute_url(), query="utm_source=x")
    assert response.status_code == 200
    assert "private" not in (response.header("Cache-Control") or "")
    # POST is never answered from the cache.
    response = wsgi_request(application, story.get_absolute_url(), method="POST")
    assert response.status_code in (403, 405)


def test_a_host_django_would_reject_is_not_answered_by_the_fast_path(application, story):
    wsgi_request(application, story.get_absolute_url())
    response = wsgi_request(application, story.get_absolute_url(), host="evil.example.com")
    assert response.status_code == 400


def test_a_matching_etag_or_date_gets_a_304_with_the_same_headers(
    application, story, django_assert_num_queries
):
    first = wsgi_request(application, story.get_absolute_url())
    etag, modified = first.header("ETag"), first.header("Last-Modified")
    with django_assert_num_queries(0):
        by_etag = wsgi_request(
            application, story.get_absolute_url(), headers={"If-None-Match": etag}
        )
        by_date = wsgi_request(
            application, story.get_absolute_url(), headers={"If-Modified-Since": modified}
        )
        changed = wsgi_request(
            application, story.get_absolute_url(), headers={"If-None-Match": '"other"'}
        )
    for response in (by_etag, by_date):
        assert response.status_code == 304
        assert response.body == b""
        assert response.header("ETag") == etag
        assert response.header("Content-Security-Policy") == first.header("Content-Security-Policy")
        assert response.header("Content-Length") is None
    assert changed.status_code == 200


def test_django_answers_304_too_when_the_page_is_not_cached_yet(application, story):
    first = wsgi_request(application, story.get_absolute_url())
    pagecache.store.clear()
    response = wsgi_request(
        application, story.get_absolute_url(), headers={"If-None-Match": first.header("ETag")}
    )
    assert response.status_code == 304


@pytest.mark.parametrize("change", ["comment", "insight", "rating", "edit", "author"])
def test_a_change_shown_on_the_page_replaces_the_cached_page(application, change, story, bob):
    before = wsgi_request(application, story.get_absolute_url())
    if change == "comment":
        comment_create(story=story, author=bob, body="What a **river**.")
        expected = "What a <strong>river</strong>."
    elif change == "insight":
        Insight.objects.create(story=story, reader=bob, kind="eye_opening")
        expected = "Top insights"
    elif change == "rating":
        Rating.objects.create(story=story, reader=bob, value="outstanding")
        expected = "Outstanding"
    elif change == "edit":
        story.title = "The River Forgets"
        story.save(update_fields=["title", "updated_at"])
        expected = "The River Forgets"
    else:
        story.author.display_name = "Alice Renamed"
        story.author.save(update_fields=["display_name"])
        expected = "Alice Renamed"
    assert expected not in before.text
    after = wsgi_request(application, story.get_absolute_url())
    assert expected in after.text
    assert after.header("ETag") != before.header("ETag")


def test_signing_in_does_not_drop_the_authors_pages(application, client, story, alice):
    wsgi_request(application, story.get_absolute_url())
    client.force_login(alice)  # saves last_login
    assert len(pagecache.store) == 1


def test_drafts_and_scheduled_stories_are_never_cached(application, client, alice, dave):
    draft = make_story(alice, status="draft")
    scheduled = make_story(alice, published_at=timezone.now() + dt.timedelta(days=1))
    for story in (draft, scheduled):
        assert wsgi_request(application, story.get_absolute_url()).status_code == 404
        cookie = session_cookie(client, alice)
        own = wsgi_request(application, story.get_absolute_url(), headers={"Cookie": cookie})
        assert own.status_code == 200
        assert own.header("Cache-Control") in PRIVATE
        cookie = session_cookie(client, dave)
        other = wsgi_request(application, story.get_absolute_url(), headers={"Cookie": cookie})
        assert other.status_code == 404
    assert len(pagecache.store) == 0


def test_an_unpublished_story_stops_being_served_at_once(application, story):
    wsgi_request(application, story.get_absolute_url())
    story.status = Story.Status.DRAFT
    story.save(update_fields=["status", "updated_at"])
    assert wsgi_request(application, story.get_absolute_url()).status_code == 404


def test_a_deleted_story_stops_being_served_at_once(application, story):
    url = story.get_absolute_url()
    wsgi_request(application, url)
    story.delete()
    assert wsgi_request(application, url).status_code == 404


def test_the_relative_publish_time_is_rendered_again_before_it_goes_wrong(application, alice):
    story = make_story(alice, published_at=timezone.now() - dt.timedelta(minutes=10))
    first = wsgi_request(application, story.get_absolute_url())
    assert "10 minutes ago</time>" in first.text
    assert first.header("Cache-Control") == "public, max-age=15, s-maxage=15"
    key = (False, story.get_absolute_url())
    assert pagecache.store.get(key, now=time.time() + 10) is not None
    assert pagecache.store.get(key, now=time.time() + 16) is None  # expired: dropped
    old = make_story(alice, published_at=timezone.now() - dt.timedelta(days=3))
    response = wsgi_request(application, old.get_absolute_url())
    assert "3 days ago</time>" in response.text
    assert response.header("Cache-Control") == "public, max-age=60, s-maxage=60"


def test_ttl_follows_the_step_of_the_relative_time():
    now = timezone.now()
    assert pagecache.ttl_for(now - dt.timedelta(minutes=5), now) == 15
    assert pagecache.ttl_for(now - dt.timedelta(hours=3), now) == 300
    assert pagecache.ttl_for(now - dt.timedelta(days=30), now) == 3600


def test_views_answered_by_the_fast_path_are_counted(application, story, bob, client):
    for _ in range(5):
        assert wsgi_request(application, story.get_absolute_url()).status_code == 200
    wsgi_request(application, story.get_absolute_url(), method="HEAD")  # not a view
    cookie = session_cookie(client, bob)
    wsgi_request(application, story.get_absolute_url(), headers={"Cookie": cookie})
    assert view_counts_flush() == 6
    story.refresh_from_db()
    assert story.view_count == 6


def test_a_page_whose_story_changed_while_rendering_is_not_kept(application, story, rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get(story.get_absolute_url())
    request.user = AnonymousUser()
    ticket = pagecache.cacheable_for(request, story)
    pagecache.bump(story.pk)  # a comment committed meanwhile
    assert ticket.version != pagecache.store.versions.current(story.pk)
    wsgi_request(application, story.get_absolute_url())
    assert len(pagecache.store) == 1  # a fresh render is kept


def test_without_a_public_check_registered_no_page_is_kept(story, rf, monkeypatch):
    """The cache cannot tell a public story from a draft by itself: with no check, it keeps none."""
    from django.contrib.auth.models import AnonymousUser

    request = rf.get(story.get_absolute_url())
    request.user = AnonymousUser()
    assert pagecache.cacheable_for(request, story) is not None
    monkeypatch.setattr(pagecache, "_public_check", None)
    assert pagecache.cacheable_for(request, story) is None


def test_a_draft_page_is_never_kept(alice, rf):
    from django.contrib.auth.models import AnonymousUser

    draft = make_story(alice, status=Story.Status.DRAFT)
    request = rf.get(draft.get_absolute_url())
    request.user = AnonymousUser()
    assert pagecache.cacheable_for(request, draft) is None


def test_the_store_stays_within_its_memory_bound(alice, settings):
    store = pagecache.PageStore(pagecache.store.versions, max_bytes=3 * 40_000)
    for story_id in range(10):
        page = pagecache.Page(
            story_id=story_id,
            version=store.versions.current(story_id),
            headers=[],
            body=b"x" * 25_000,
            etag='"x"',
            last_modified=time.time(),
            expires=time.time() + 60,
            checked=time.monotonic(),
        )
        store.put((False, f"/p/{story_id}"), page)
    assert len(store) == 4
    assert store.get((False, "/p/9")) is not None
    assert store.get((False, "/p/0")) is None


def test_a_page_carrying_a_csrf_token_is_never_stored(story, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    request = rf.get(story.get_absolute_url(), HTTP_COOKIE="csrftoken=" + "a" * 32)
    request.user = AnonymousUser()
    request.META["CSRF_COOKIE"] = "a" * 32
    ticket = pagecache.cacheable_for(request, story)
    assert ticket is not None

    def view(request):
        return pagecache.mark(HttpResponse(f"<form>{get_token(request)}</form>"), ticket)

    response = pagecache.PageCacheMiddleware(view)(request)
    assert len(pagecache.store) == 0
    assert "no-store" in response["Cache-Control"]


def test_with_redis_unreachable_pages_come_from_django_and_writes_still_work(
    story, bob, monkeypatch
):
    from django.core.handlers.wsgi import WSGIHandler

    unreachable = pagecache.RedisVersions("redis://127.0.0.1:9/0", "byline", check_every=0)
    monkeypatch.setattr(pagecache, "store", pagecache.PageStore(unreachable, 1 << 20))
    application = FastPath(WSGIHandler())
    for _ in range(2):
        response = wsgi_request(application, story.get_absolute_url())
        assert response.status_code == 200
        assert "The River Remembers" in response.text
    assert len(pagecache.store) == 0
    comment_create(story=story, author=bob, body="Still here.")
    assert "Still here." in wsgi_request(application, story.get_absolute_url()).text
