"""/healthz, /readyz and the page visitors get when the database is down."""

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from byline.core.health import server_error


def test_healthz_answers_ok_without_touching_the_database(client):
    # No django_db mark: any database access in the request would raise here.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_database_and_cache_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


@pytest.mark.django_db
def test_readyz_answers_503_with_a_reason_when_the_cache_is_unreachable(client, settings):
    # A Redis cache on a port nothing listens on: a real client, a real refused connection.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["reason"] == "cache unreachable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("unreachable")
    assert "127.0.0.1" not in response.content.decode()  # details go to the log only
    assert response["Retry-After"] == "30"


def test_readyz_refuses_writes(client):
    assert client.post("/readyz").status_code == 405


def _handled(error):
    """Call handler500 the way Django does: while the exception is being handled."""
    try:
        raise error
    except Exception:
        return server_error(RequestFactory().get("/"))


def test_a_database_outage_gets_the_friendly_503_page():
    response = _handled(OperationalError("connection refused"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "back in a moment" in page
    assert "connection refused" not in page
    assert "Traceback" not in page


def test_a_redis_outage_gets_the_friendly_503_page():
    from redis.exceptions import ConnectionError

    assert _handled(ConnectionError("Error 111 connecting")).status_code == 503


def test_a_bug_still_gets_the_500_page():
    response = _handled(ValueError("a bug"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "a bug" not in response.content.decode()
