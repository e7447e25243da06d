"""The scale path is chosen by environment variables: each switch, read by the real settings
module in a fresh process (settings are read once, at start-up)."""

import functools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.core.files.storage import storages

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "DATABASES": settings.DATABASES,
    "DATABASE_ROUTERS": settings.DATABASE_ROUTERS,
    "CACHES": settings.CACHES,
    "SESSION_ENGINE": settings.SESSION_ENGINE,
    "TASKS": settings.TASKS,
    "RQ_QUEUES": getattr(settings, "RQ_QUEUES", None),
    "INSTALLED_APPS": settings.INSTALLED_APPS,
    "STORAGES": settings.STORAGES,
    "LOG_FORMAT": settings.LOG_FORMAT,
    "IMG_SRC": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "MEDIA_URL": settings.MEDIA_URL,
    "SITE_URL": settings.SITE_URL,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
}, default=repr))
"""
SCALE_VARIABLES = (
    "DATABASE_URL",
    "DATABASE_REPLICA_URLS",
    "REDIS_URL",
    "BYLINE_TASKS",
    "PORT",
    "BYLINE_HOST",
    "BYLINE_SITE_URL",
    "BYLINE_ALLOWED_HOSTS",
)


def settings_with(tmp_path, **variables) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in SCALE_VARIABLES and not key.startswith(("BYLINE_MEDIA_S3_", "BYLINE_DB_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="byline.settings.base", BYLINE_DATA_DIR=str(tmp_path), **variables
    )
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], env=env, capture_output=True, text=True, timeout=60
    )


@functools.cache
def _read_settings(variables: frozenset) -> str:
    with tempfile.TemporaryDirectory() as data_dir:
        result = settings_with(Path(data_dir), **dict(variables))
    assert result.returncode == 0, result.stderr
    return result.stdout


def read_settings(tmp_path, **variables) -> dict:
    # One process per distinct environment: starting Django is the slow part of these tests.
    return json.loads(_read_settings(frozenset(variables.items())))


def test_the_embedded_default_needs_no_service(tmp_path):
    s = read_settings(tmp_path)
    assert s["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert s["TASKS"]["default"]["BACKEND"].endswith("ImmediateBackend")
    assert s["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert s["LOG_FORMAT"] == "json"
    assert read_settings(tmp_path, BYLINE_DEBUG="on")["LOG_FORMAT"] == "text"


def test_postgresql_keeps_checked_persistent_connections(tmp_path):
    s = read_settings(tmp_path, DATABASE_URL="postgres://byline:pw@db.internal:5432/byline")
    db = s["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["NAME"], db["USER"]) == ("db.internal", "byline", "byline")
    assert db["CONN_MAX_AGE"] == 600
    assert db["CONN_HEALTH_CHECKS"] is True
    assert db["OPTIONS"]["connect_timeout"] == 5
    assert "pool" not in db["OPTIONS"]
    assert list(s["DATABASES"]) == ["default"]


def test_the_psycopg_pool_replaces_persistent_connections_when_asked(tmp_path):
    s = read_settings(
        tmp_path,
        DATABASE_URL="postgres://byline@db.internal/byline",
        BYLINE_DB_POOL="on",
        BYLINE_DB_POOL_MAX="20",
    )
    db = s["DATABASES"]["default"]
    assert db["CONN_MAX_AGE"] == 0  # Django refuses a pool with persistent connections
    assert db["OPTIONS"]["pool"]["max_size"] == 20
    assert db["CONN_HEALTH_CHECKS"] is True  # Django gives the pool its connection check


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_psycopg_pool_serves_queries(tmp_path):
    from django.db import connection

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    query = (
        "import django; django.setup(); from django.db import connection; "
        "cursor = connection.cursor(); cursor.execute('SELECT 41 + 1'); "
        "print(cursor.fetchone()[0], type(connection.pool).__name__)"
    )
    env = {k: v for k, v in os.environ.items() if k not in SCALE_VARIABLES} | {
        "DJANGO_SETTINGS_MODULE": "byline.settings.base",
        "BYLINE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": url,
        "BYLINE_DB_POOL": "on",
    }
    result = subprocess.run(
        [sys.executable, "-c", query], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["42", "ConnectionPool"]


def test_replica_urls_become_replica_aliases_behind_the_router(tmp_path):
    s = read_settings(
        tmp_path,
        DATABASE_URL="postgres://byline@primary/byline",
        DATABASE_REPLICA_URLS="postgres://byline@replica-a/byline, postgres://byline@replica-b/byline",
    )
    assert list(s["DATABASES"]) == ["default", "replica1", "replica2"]
    assert s["DATABASES"]["replica2"]["HOST"] == "replica-b"
    assert s["DATABASES"]["replica1"]["TEST"]["MIRROR"] == "default"
    assert s["DATABASES"]["replica1"]["CONN_HEALTH_CHECKS"] is True
    assert s["DATABASE_ROUTERS"] == ["byline.core.db.PrimaryReplicaRouter"]


def test_a_replica_url_that_is_not_postgresql_stops_start_up(tmp_path):
    result = settings_with(
        tmp_path,
        DATABASE_URL="postgres://byline@primary/byline",
        DATABASE_REPLICA_URLS="mysql://replica/byline",
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URLS must be a URL starting with postgres://" in result.stderr


def test_redis_carries_cache_sessions_and_the_rq_queue(tmp_path):
    s = read_settings(tmp_path, REDIS_URL="redis://cache.internal:6379/3", BYLINE_TASKS="rq")
    cache = s["CACHES"]["default"]
    # Django's Redis cache, degrading while Redis is unreachable (byline/core/cache.py).
    assert cache["BACKEND"] == "byline.core.cache.ResilientRedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/3"
    assert s["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert s["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert s["RQ_QUEUES"]["default"]["URL"] == (
        "redis://cache.internal:6379/3?socket_connect_timeout=2&socket_timeout=5"
    )
    assert "django_rq" in s["INSTALLED_APPS"]


def test_rq_without_redis_stops_start_up_with_a_clear_message(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "byline", "check"],
        env={k: v for k, v in os.environ.items() if k not in SCALE_VARIABLES}
        | {"BYLINE_TASKS": "rq", "BYLINE_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "BYLINE_TASKS=rq needs REDIS_URL to be set." in result.stderr
    assert "Traceback" not in result.stderr


def test_the_database_queue_needs_no_redis(tmp_path):
    s = read_settings(tmp_path, BYLINE_TASKS="database")
    assert s["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


S3_VARIABLES = {
    "BYLINE_MEDIA_S3_BUCKET": "byline-media",
    "BYLINE_MEDIA_S3_ENDPOINT_URL": "https://s3.eu-central-1.example.net",
    "BYLINE_MEDIA_S3_REGION": "eu-central-1",
    "BYLINE_MEDIA_S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "BYLINE_MEDIA_S3_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
}


@pytest.fixture
def s3_storages(tmp_path, settings):
    """The STORAGES the settings module builds from the S3 variables, installed in this process."""

    def install(**extra):
        s = read_settings(tmp_path, **S3_VARIABLES, **extra)
        settings.STORAGES = s["STORAGES"]
        return storages["default"]

    return install


def test_setting_a_bucket_moves_media_to_s3_compatible_storage(s3_storages):
    from storages.backends.s3 import S3Storage

    media = s3_storages()
    assert isinstance(media, S3Storage)
    assert media.bucket_name == "byline-media"
    assert media.endpoint_url == "https://s3.eu-central-1.example.net"
    assert media.region_name == "eu-central-1"
    assert media.access_key == "AKIDEXAMPLE"
    assert media.location == "media"
    assert media.file_overwrite is False
    assert media.object_parameters == {"CacheControl": "public, max-age=31536000, immutable"}
    # Public URLs by default: no signature, the object path under the prefix (no network used).
    url = media.url("stories/hero.webp")
    assert url == "https://s3.eu-central-1.example.net/byline-media/media/stories/hero.webp"


def test_a_custom_domain_serves_media_from_the_cdn(s3_storages, tmp_path):
    media = s3_storages(BYLINE_MEDIA_S3_CUSTOM_DOMAIN="media.example.org")
    assert media.url("stories/hero.webp") == "https://media.example.org/media/stories/hero.webp"
    # The Content-Security-Policy lets pages show images from there, and from nowhere else new.
    s = read_settings(tmp_path, **S3_VARIABLES, BYLINE_MEDIA_S3_CUSTOM_DOMAIN="media.example.org")
    assert s["IMG_SRC"] == ["'self'", "data:", "https://media.example.org"]


def test_images_from_the_bucket_endpoint_are_allowed_by_the_csp(tmp_path):
    assert read_settings(tmp_path, **S3_VARIABLES)["IMG_SRC"] == [
        "'self'",
        "data:",
        "https://s3.eu-central-1.example.net",
        "https://byline-media.s3.eu-central-1.example.net",
    ]
    assert read_settings(tmp_path)["IMG_SRC"] == ["'self'", "data:"]


def test_signed_urls_can_be_asked_for(s3_storages):
    media = s3_storages(BYLINE_MEDIA_S3_SIGNED_URLS="on")
    assert "X-Amz-Signature=" in media.url("stories/hero.webp")


def test_static_files_stay_with_whitenoise_when_media_moves(s3_storages, tmp_path):
    s3_storages()
    s = read_settings(tmp_path, **S3_VARIABLES)
    assert s["STORAGES"]["staticfiles"]["BACKEND"].startswith("whitenoise.")


@pytest.mark.parametrize(
    ("variables", "site_url"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8312"}, "http://127.0.0.1:8312"),
        ({"PORT": "8312", "BYLINE_HOST": "0.0.0.0"}, "http://127.0.0.1:8312"),
        ({"BYLINE_HOST": "192.0.2.7"}, "http://192.0.2.7:8000"),
        ({"BYLINE_HOST": "::1", "PORT": "8313"}, "http://[::1]:8313"),
        (
            {"PORT": "8312", "BYLINE_SITE_URL": "https://stories.example.org/"},
            ("https://stories.example.org"),
        ),
    ],
)
def test_links_in_mails_and_feeds_point_at_the_port_the_server_listens_on(
    tmp_path, variables, site_url
):
    assert read_settings(tmp_path, **variables)["SITE_URL"] == site_url


def test_a_server_bound_to_one_address_answers_to_it(tmp_path):
    hosts = read_settings(tmp_path, BYLINE_HOST="192.0.2.7")["ALLOWED_HOSTS"]
    assert hosts == ["127.0.0.1", "localhost", "[::1]", "192.0.2.7"]
    assert read_settings(tmp_path)["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
