"""On the scale path, everything that counts, throttles or remembers a visitor lives in Redis:
checked against the real Redis server, through its own client."""

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

pytestmark = [pytest.mark.redis]


@pytest.fixture
def server():
    return redis.Redis.from_url(settings.REDIS_URL)


def _keys(server, pattern: str) -> list[str]:
    return [
        key.decode()
        for key in server.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*{pattern}*")
    ]


def test_the_cache_is_redis(server):
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    cache.set("scale-probe", "here", 30)
    assert _keys(server, "scale-probe")
    # Counters are atomic increments on the server, shared by every web process.
    cache.set("scale-probe-counter", 0, 30)
    cache.incr("scale-probe-counter")
    assert int(server.get(_keys(server, "scale-probe-counter")[0])) == 1


@pytest.mark.django_db
def test_sessions_are_kept_in_redis_and_in_the_database(client, bob, server):
    from django.contrib.sessions.models import Session

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    client.force_login(bob)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert _keys(server, session_key)  # read from Redis on every request
    assert Session.objects.filter(session_key=session_key).exists()  # survives a Redis restart
    # A signed-in request is served from the cached session.
    assert client.get("/").context["user"] == bob


@pytest.mark.django_db
def test_login_rate_limits_count_in_redis(client, bob, server):
    for _ in range(3):
        client.post("/accounts/login/", {"login": "bob", "password": "wrong password"})
    assert _keys(server, "allauth:rl:")
