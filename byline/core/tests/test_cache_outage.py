"""While Redis is unreachable the cache degrades instead of failing what uses it: reads miss,
writes are dropped (and the keys they missed are deleted once Redis is back, so nothing stale
comes back), sessions are read from the database, and each rate limit fails the way it is
documented to (docs/security.md, "Outages and background work")."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from byline.api.tests.conftest import ApiClient, make_token
from byline.core.cache import CacheUnavailable


def test_reads_miss_and_writes_are_dropped_while_redis_is_down(site_on_redis):
    cache.set("kept", "before")
    assert cache.get("kept") == "before"
    site_on_redis.stop()

    assert cache.get("kept") is None
    assert cache.get("kept", "default") == "default"
    assert cache.get_many(["kept", "other"]) == {}
    assert cache.has_key("kept") is False
    cache.set("kept", "during")  # no error
    cache.set_many({"a": 1, "b": 2})
    assert cache.add("lock", 1) is False  # nobody gets a lock the cache cannot keep
    assert cache.delete("kept") is False
    cache.delete_many(["a", "b"])
    with pytest.raises(CacheUnavailable):
        cache.incr("counter")  # a count cannot be made up


def test_keys_written_during_the_outage_are_dropped_when_redis_is_back(site_on_redis):
    cache.set("footer", "old footer")
    cache.set("gone", "deleted during the outage")
    site_on_redis.stop()
    cache.set("footer", "new footer")  # missed by Redis
    cache.delete("gone")  # missed by Redis
    site_on_redis.start()
    raw = redis.Redis.from_url(site_on_redis.url)
    assert raw.get(cache.make_key("gone"))  # Redis kept its copy through the outage...
    # ...which must not come back: the missed keys are dropped before anything is read.
    assert cache.get("footer") is None
    assert cache.get("gone") is None
    assert not raw.exists(cache.make_key("footer"), cache.make_key("gone"))
    cache.set("footer", "new footer")
    assert cache.get("footer") == "new footer"


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_reader_stays_signed_in_from_the_database_copy_of_the_session(
    client, bob, site_on_redis
):
    client.force_login(bob)
    site_on_redis.stop()
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["user"] == bob


@pytest.mark.django_db(transaction=True)
def test_a_session_ended_during_the_outage_does_not_come_back_with_redis(
    client, bob, site_on_redis
):
    client.force_login(bob)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/").context["user"] == bob  # now cached in Redis too
    site_on_redis.stop()
    assert client.post("/accounts/logout/").status_code == 302
    site_on_redis.start()
    # The stolen or remembered cookie of the ended session: Redis still had its copy.
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert not client.get("/").context["user"].is_authenticated


@pytest.mark.django_db(transaction=True)
def test_sign_in_fails_closed_while_its_rate_limit_cannot_be_counted(client, bob, site_on_redis):
    client.raise_request_exception = False  # answer as the server would
    site_on_redis.stop()
    assert client.get("/accounts/login/").status_code == 200  # the page itself is there
    response = client.post(
        "/accounts/login/", {"login": "bob", "password": "correct horse battery staple"}
    )
    # Unlimited password guesses while Redis is away would be worse than no sign-in for a
    # moment: the visitor gets the "back in a moment" page, with Retry-After.
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
def test_api_rate_limits_count_in_the_process_while_redis_is_down(
    client, alice, site_on_redis, settings, monkeypatch
):
    from byline.core import ratelimit

    monkeypatch.setattr(ratelimit, "_here", {})  # no count left by an earlier test's outage
    settings.API_RATE_PER_ADDRESS = 3
    api = ApiClient(client)
    token = make_token(alice)
    site_on_redis.stop()
    statuses = [api.get("/stories", token=token).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def _page(story_id: int, version: tuple):
    import time as _time

    from byline.core.pagecache import Page

    return Page(
        story_id=story_id,
        version=version,
        headers=[],
        body=b"<p>page</p>",
        etag='"x"',
        last_modified=_time.time(),
        expires=_time.time() + 60,
        checked=float("-inf"),
    )


def test_a_page_version_bump_missed_during_the_outage_is_made_when_redis_is_back(site_on_redis):
    from byline.core import pagecache

    versions = pagecache.store.versions
    before = versions.current(7)
    site_on_redis.stop()
    pagecache.bump(7)  # the story changed: no error for the write
    pagecache.bump_all()
    site_on_redis.start()
    # Another worker still holding the page of version `before` must see it is stale.
    after = versions.current(7)
    assert after[0] != before[0] and after[1] != before[1]


def test_pages_kept_before_the_outage_are_dropped_once_versions_cannot_be_read(site_on_redis):
    from byline.core import pagecache

    store = pagecache.store
    store.put((False, "/@alice/one"), _page(1, store.versions.current(1)))
    store.put((False, "/@alice/two"), _page(2, store.versions.current(2)))
    site_on_redis.stop()
    # Whatever changed meanwhile cannot be known: no stored page is trusted any more.
    assert store.get((False, "/@alice/one")) is None
    assert len(store) == 0
