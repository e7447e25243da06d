"""The cast every view test uses (STYLE.md, rule 10) and small factories.

alice   a creator (author of the stories under test)
bob     a reader
carol   a moderator (in the Moderators group, not a superuser)
dave    an outsider: signed in, no relation to anything
mallory a suspended account
"""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from byline.accounts.models import User
from byline.communities.models import Community
from byline.stories.lifecycle import story_publish
from byline.stories.models import Story
from byline.stories.services import story_create, tags_from_names

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    from byline.core import pagecache

    # The page store lives in the process and is keyed by URL: on PostgreSQL, where rolled-back
    # ids are not reused, a page kept by one test would otherwise answer the next test's request.
    cache.clear()
    pagecache.store.clear()
    yield
    cache.clear()
    pagecache.store.clear()


def make_user(handle: str, **fields) -> User:
    user = User.objects.create_user(
        username=handle,
        email=f"{handle}@example.org",
        password="correct horse battery staple",
        display_name=fields.pop("display_name", handle.capitalize()),
        # The cast are established accounts (past the new-account comment throttle).
        date_joined=fields.pop("date_joined", timezone.now() - dt.timedelta(days=30)),
        **fields,
    )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def alice(db) -> User:
    return make_user(
        "alice",
        display_name="Alice Archer",
        bio="Writes about rivers.",
        website="https://alice.example.org/",
    )


@pytest.fixture
def bob(db) -> User:
    return make_user("bob", display_name="Bob Reader")


@pytest.fixture
def carol(db) -> User:
    user = make_user("carol", display_name="Carol Moderator")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(Permission.objects.get(codename="moderate_story"))
    user.groups.add(group)
    return User.objects.get(pk=user.pk)  # drop the permission cache


@pytest.fixture
def dave(db) -> User:
    return make_user("dave", display_name="Dave Outsider")


@pytest.fixture
def mallory(db) -> User:
    return make_user("mallory", display_name="Mallory", suspended_at=timezone.now())


@pytest.fixture(autouse=True)
def _no_scheduled_view_flush(monkeypatch):
    """Tests flush view counts themselves: the once-a-period flush that view_record schedules
    would otherwise fire in whichever test comes after the period, depending on the run's pace."""
    import time

    from byline.stats import services

    monkeypatch.setattr(services, "_last_schedule_check", time.monotonic())


@pytest.fixture
def empty_stats_buffers():
    """Every stats counter (views, reads, sources, readers, depths) starts and ends empty: the
    buffers live in the process (or in Redis) across tests."""
    from byline.stats import buffer

    def empty():
        for _kind, tally, held in buffer.counters():
            tally.push()
            if isinstance(held, buffer.RedisViewBuffer):
                held.clear()
            held.drain()

    empty()
    yield
    empty()


@pytest.fixture
def no_comment_limits(settings):
    """For tests that build a big thread quickly: one author may post any number of comments,
    the same text too (the limits have their own tests)."""
    settings.COMMENT_RATE_PER_MINUTE = 100_000
    settings.COMMENT_DUPLICATE_MINUTES = 0


@pytest.fixture
def community(db) -> Community:
    return Community.objects.create(name="Earth", slug="earth", description="The planet we share.")


def make_story(author: User, *, status: str = "published", **fields) -> Story:
    n = next(_counter)
    tags = tags_from_names(fields.pop("tags", []))
    published_at = fields.pop("published_at", None)
    story = story_create(
        author=author,
        title=fields.pop("title", f"Story number {n}"),
        subtitle=fields.pop("subtitle", "A subtitle"),
        body=fields.pop("body", "Some words in a paragraph.\n\n## A section\n\nMore words."),
        tags=tags,
        check_quota=False,
        **fields,
    )
    if status == "published":
        story_publish(story=story, at=published_at or timezone.now())
    elif status != "draft":
        story.status = status
        story.save(update_fields=["status"])
    # The site recounts tags and communities after commit, which a test's transaction never
    # reaches: count now, so public tag lists see the story as they would on the site.
    from byline.discovery.counts import recount

    recount(community_ids=[story.community_id], tag_ids=[tag.pk for tag in tags])
    return story


@pytest.fixture
def story(alice, community) -> Story:
    return make_story(
        alice, title="The River Remembers", community=community, tags=["Nature", "Water"]
    )


def image_file(
    fmt: str = "JPEG", size: tuple[int, int] = (320, 200), name: str = "photo.jpg", **save_args
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(buffer, fmt, **save_args)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


# --- Service markers: `postgres` tests need DATABASE_URL=postgres://..., `redis` tests need
# REDIS_URL. They skip on the embedded default (stage 1 of .ci/run); with
# BYLINE_REQUIRE_SERVICES=1 (stage 2) a missing service fails them instead, so the scale path
# can never pass by skipping.
def pytest_runtest_setup(item):
    import os

    from django.conf import settings

    missing = []
    if item.get_closest_marker("postgres") and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        missing.append("PostgreSQL (DATABASE_URL=postgres://...)")
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        missing.append("Redis (REDIS_URL=redis://...)")
    if missing:
        message = f"needs {' and '.join(missing)}"
        if os.environ.get("BYLINE_REQUIRE_SERVICES"):
            pytest.fail(f"BYLINE_REQUIRE_SERVICES is set but this test {message}")
        pytest.skip(message)
    if item.get_closest_marker("fault") and not os.environ.get("BYLINE_FAULT_TEST"):
        pytest.skip("fault test: runs in its own CI stage (BYLINE_FAULT_TEST=1, .ci/run stage 4)")


# --- Real concurrency (several threads, each with its own database connection).
@pytest.fixture
def concurrent_db(transactional_db):
    """A database that several threads can write at once, as in production: real concurrent
    transactions on PostgreSQL; on SQLite the test database is a file (settings/test.py), so
    threads meet WAL, busy_timeout and IMMEDIATE transactions exactly as the site does."""
    yield


def run_together(*calls, timeout: float = 60):
    """Run the callables at the same moment, each in its own thread (and database connection);
    their results (or the exceptions they raised) in the order given."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout)
            results[index] = call()
        except Exception as error:  # reported to the test, which decides
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


# A throwaway Redis that a test may stop and start (byline/tests/outage.py).
from byline.tests.outage import redis_server, site_on_redis  # noqa: E402, F401
