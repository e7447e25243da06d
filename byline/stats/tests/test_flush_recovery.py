"""A flush that fails or dies half-way loses no view and writes none twice: counts are claimed
in batches, each written in one transaction that records the batch."""

import pytest
from django.db import DatabaseError

from byline.stats import buffer as view_buffer
from byline.stats import services
from byline.stats.buffer import RedisViewBuffer
from byline.stats.models import FlushBatch, StoryDay
from byline.stats.services import view_counts_flush, view_record

pytestmark = pytest.mark.django_db


class Crash(BaseException):
    """The process dies here (not an error anything catches)."""


@pytest.fixture(autouse=True)
def _empty_buffers(empty_stats_buffers):
    """Every stats counter starts and ends empty (byline/conftest.py)."""


@pytest.fixture
def redis_buffer(settings):
    if not isinstance(view_buffer.buffer, RedisViewBuffer):
        pytest.skip("needs the Redis buffer (REDIS_URL)")
    return view_buffer.buffer


def _views(story, n):
    for _ in range(n):
        view_record(story_id=story.pk)


def test_a_database_error_puts_the_batch_back(story, monkeypatch):
    _views(story, 5)

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(services, "_rollup", broken)
    with pytest.raises(DatabaseError):
        view_counts_flush()
    story.refresh_from_db()
    assert story.view_count == 0
    monkeypatch.undo()
    assert view_counts_flush() == 5
    story.refresh_from_db()
    assert story.view_count == 5
    assert StoryDay.objects.get(story=story).views == 5


@pytest.mark.redis
def test_a_flush_that_dies_after_claiming_loses_nothing(story, redis_buffer, monkeypatch):
    _views(story, 5)
    real_apply = services._apply

    def dies(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(services, "_apply", dies)
    with pytest.raises(Crash):
        view_counts_flush()
    assert len(redis_buffer.claims()) == 1
    assert redis_buffer.pending() == 0  # the views are in the claim, not in the buffer

    monkeypatch.setattr(services, "_apply", real_apply)
    view_counts_flush()  # the claim is fresh: its flush might still be running
    story.refresh_from_db()
    assert story.view_count == 0

    monkeypatch.setattr(services, "CLAIM_STALE_SECONDS", 0)
    view_counts_flush()
    view_counts_flush()
    story.refresh_from_db()
    assert story.view_count == 5
    assert StoryDay.objects.get(story=story).views == 5
    assert redis_buffer.claims() == []


@pytest.mark.redis
def test_a_flush_that_dies_after_committing_writes_nothing_twice(story, redis_buffer, monkeypatch):
    _views(story, 5)

    def dies(batch):
        raise Crash

    monkeypatch.setattr(redis_buffer, "release", dies)
    with pytest.raises(Crash):
        view_counts_flush()
    monkeypatch.undo()
    story.refresh_from_db()
    assert story.view_count == 5
    assert len(redis_buffer.claims()) == 1
    assert FlushBatch.objects.count() == 1

    monkeypatch.setattr(services, "CLAIM_STALE_SECONDS", 0)
    view_counts_flush()
    story.refresh_from_db()
    assert story.view_count == 5
    assert StoryDay.objects.get(story=story).views == 5
    assert redis_buffer.claims() == []


@pytest.mark.redis
def test_views_arriving_after_a_claim_wait_for_the_next_batch(story, redis_buffer):
    _views(story, 2)
    view_buffer.tally.push()
    batch = "views-0-test"
    assert redis_buffer.claim(batch) == {story.pk: 2}
    view_buffer.tally.push()
    _views(story, 3)
    view_buffer.tally.push()
    assert redis_buffer.pending() == 3
    redis_buffer.restore(batch)
    assert redis_buffer.pending() == 5
    assert redis_buffer.claims() == []
