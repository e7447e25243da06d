"""Page views: buffered, flushed by a task, never lost while a flush runs."""

import os
import threading
import time
import uuid

import pytest
from django.core.management import call_command

from byline.conftest import make_story
from byline.stats import buffer as view_buffer
from byline.stats.buffer import LocalViewBuffer, RedisViewBuffer, ViewTally
from byline.stats.services import view_counts_flush, view_record
from byline.stats.tasks import flush_view_counts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_buffers(empty_stats_buffers):
    """Every stats counter starts and ends empty (byline/conftest.py)."""


def test_a_view_is_not_written_to_the_database_until_the_flush(story, django_assert_num_queries):
    with django_assert_num_queries(0):
        for _ in range(3):
            view_record(story_id=story.pk)
    story.refresh_from_db()
    assert story.view_count == 0
    assert view_counts_flush() == 3
    story.refresh_from_db()
    assert story.view_count == 3
    assert view_counts_flush() == 0


def test_the_flush_task_writes_many_stories_in_a_few_queries(alice, django_assert_max_num_queries):
    stories = [make_story(alice) for _ in range(30)]
    for n, story in enumerate(stories):
        for _ in range(n % 3 + 1):
            view_record(story_id=story.pk)
    # In one transaction (a savepoint and its release here): the batch's record, one UPDATE per
    # distinct count, and the day's rollup (the stories that still exist, one upsert per 500);
    # then the pruning of old batch records, readers' digests and salts. The same eleven for a
    # thousand stories.
    with django_assert_max_num_queries(11):
        result = flush_view_counts.enqueue()
    assert result.return_value == sum(n % 3 + 1 for n in range(30))
    for n, story in enumerate(stories):
        story.refresh_from_db()
        assert story.view_count == n % 3 + 1


def test_the_flush_command_writes_the_buffered_views(story, capsys):
    view_record(story_id=story.pk)
    call_command("flush_views")
    assert "1 view(s) written." in capsys.readouterr().out
    story.refresh_from_db()
    assert story.view_count == 1


def test_views_of_a_story_deleted_before_the_flush_are_dropped_quietly(story, alice):
    other = make_story(alice)
    view_record(story_id=story.pk)
    view_record(story_id=other.pk)
    story.delete()
    view_counts_flush()
    other.refresh_from_db()
    assert other.view_count == 1


def hammer(add, drain, writers: int = 8, per_writer: int = 3000) -> tuple[int, int]:
    """`writers` threads add views while the main thread keeps draining; returns (sent, seen)."""
    seen = 0
    start = threading.Barrier(writers + 1)

    def writer(n: int) -> None:
        start.wait()
        for i in range(per_writer):
            add({n % 3 + 1: 1} if i % 2 else {n % 3 + 1: 1, 100: 1})

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    start.wait()
    while any(thread.is_alive() for thread in threads):
        seen += sum(drain().values())
    for thread in threads:
        thread.join()
    seen += sum(drain().values())
    sent = writers * per_writer + writers * per_writer // 2
    return sent, seen


def test_no_view_is_lost_when_a_local_flush_runs_while_views_arrive():
    local = LocalViewBuffer()
    tally = ViewTally(local, push_every=0)

    def add(counts):
        for story_id, n in counts.items():
            for _ in range(n):
                tally.record(story_id)

    sent, seen = hammer(add, local.drain)
    assert seen == sent


@pytest.mark.redis
def test_no_view_is_lost_when_a_redis_flush_runs_while_views_arrive(settings):
    url = settings.REDIS_URL or os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: this test needs a real Redis")
    redis_buffer = RedisViewBuffer(url, f"test-{uuid.uuid4().hex}")
    try:
        # Each writer thread has its own tally pushing to the shared Redis buffer, as each web
        # worker does; every push is a MULTI of INCRBY + SADD racing the drain's SPOP + GETDEL.
        local = threading.local()

        def add(counts):
            if not hasattr(local, "tally"):
                local.tally = ViewTally(redis_buffer, push_every=0)
            for story_id, n in counts.items():
                for _ in range(n):
                    local.tally.record(story_id)

        sent, seen = hammer(add, redis_buffer.drain, writers=8, per_writer=1500)
        assert seen == sent
        assert redis_buffer.pending() == 0
    finally:
        redis_buffer.clear()


@pytest.mark.redis
def test_views_reach_the_database_through_redis(story, settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    assert isinstance(view_buffer.buffer, RedisViewBuffer)
    for _ in range(4):
        view_record(story_id=story.pk)
    assert view_counts_flush() == 4
    story.refresh_from_db()
    assert story.view_count == 4


def test_the_last_views_before_a_quiet_spell_are_pushed_without_waiting_for_another_view():
    # On the scale path the flush runs in the worker and sees only what web processes pushed.
    local = LocalViewBuffer()
    tally = ViewTally(local, push_every=0.2)
    for _ in range(3):
        tally.record(7)
    assert local.pending() == 0  # not due yet: batched
    deadline = time.monotonic() + 5
    while local.pending() < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert local.drain() == {7: 3}
