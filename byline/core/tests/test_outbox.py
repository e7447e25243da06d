"""The outbox: a write's background tasks commit with the write, reach the queue once it takes
them, wait (with back-off) while it does not, and are sent once however many sweepers run."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from byline.core import outbox
from byline.core.models import OutboxTask
from byline.core.outbox import enqueue_on_commit, outbox_send_due
from byline.core.tasks import sessions_clear_expired
from byline.core.tests import sample_tasks


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    sample_tasks.runs.clear()
    monkeypatch.setattr(outbox, "_queue_resting_until", 0.0)
    yield
    sample_tasks.runs.clear()


@pytest.mark.django_db(transaction=True)
def test_the_task_row_commits_with_the_write_and_goes_once_the_queue_takes_it():
    with transaction.atomic():
        row = enqueue_on_commit(sample_tasks.record, value=1)
        assert OutboxTask.objects.filter(pk=row.pk).exists()  # in the same transaction
        assert sample_tasks.runs == []  # nothing is sent before the commit
    assert sample_tasks.runs == [1]
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_sends_nothing_and_keeps_nothing():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        enqueue_on_commit(sample_tasks.record, value=1)
        1 / 0
    assert sample_tasks.runs == []
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db
def test_arguments_that_the_queue_could_not_carry_are_refused_at_once():
    with pytest.raises(TypeError, match="JSON"):
        enqueue_on_commit(sample_tasks.record, value=object())
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db
def test_only_a_django_task_goes_through_the_outbox():
    with pytest.raises(TypeError, match="task"):
        enqueue_on_commit(print, value=1)
    with pytest.raises(TypeError, match="not a Django task"):
        enqueue_on_commit("byline.core.tests.sample_tasks.runs", value=1)
    with pytest.raises(ImportError):  # a mistyped path fails the write, not later in a worker
        enqueue_on_commit("byline.core.tests.sample_tasks.recrod", value=1)
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_task_named_by_its_import_path_is_sent_like_the_task_itself():
    """Services enqueue their own app's tasks by path (the tasks module imports the services)."""
    with transaction.atomic():
        row = enqueue_on_commit("byline.core.tests.sample_tasks.record", value=3)
        assert row.task_path == sample_tasks.record.module_path
    assert sample_tasks.runs == [3]
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_refused_task_waits_with_back_off_and_is_sent_when_the_queue_is_back(site_on_redis):
    import django_rq

    site_on_redis.stop()
    enqueue_on_commit(sessions_clear_expired)  # outside a transaction: sent at once, refused
    row = OutboxTask.objects.get()
    assert row.task_path == "byline.core.tasks.sessions_clear_expired"
    assert row.attempts == 1
    assert "Error" in row.last_error
    assert row.not_before > timezone.now()  # backing off
    assert outbox_send_due() == 0  # not due yet

    site_on_redis.start()
    OutboxTask.objects.update(not_before=timezone.now() - dt.timedelta(seconds=1))
    outbox._queue_resting_until = 0.0
    assert outbox_send_due() == 1
    assert not OutboxTask.objects.exists()
    queue = django_rq.get_queue("default")
    assert [job.func_name for job in queue.jobs] == ["byline.core.tasks.sessions_clear_expired"]


@pytest.mark.django_db(transaction=True)
def test_while_the_queue_is_down_the_sweep_stops_at_the_first_refusal(site_on_redis):
    site_on_redis.stop()
    now = timezone.now()
    OutboxTask.objects.bulk_create(
        OutboxTask(task_path=sessions_clear_expired.module_path, kwargs={}, not_before=now)
        for _ in range(5)
    )
    assert outbox_send_due() == 0
    # One attempt, not five: a down queue is not hammered once per waiting row.
    assert sorted(OutboxTask.objects.values_list("attempts", flat=True)) == [0, 0, 0, 0, 1]


@pytest.mark.django_db(transaction=True)
def test_backoff_grows_with_each_refusal_up_to_a_limit():
    delays = [outbox.backoff_seconds(attempts=n, outage=True) for n in range(1, 10)]
    assert delays == sorted(delays)
    assert delays[0] == 10
    assert max(delays) == outbox.MAX_OUTAGE_BACKOFF
    assert outbox.backoff_seconds(attempts=20, outage=False) == outbox.MAX_ERROR_BACKOFF


@pytest.mark.django_db(transaction=True)
def test_a_row_whose_task_no_longer_exists_is_kept_with_its_error():
    OutboxTask.objects.create(
        task_path="byline.core.tasks.no_such_task", kwargs={}, not_before=timezone.now()
    )
    assert outbox_send_due() == 0
    row = OutboxTask.objects.get()
    assert row.attempts == 1
    assert "no_such_task" in row.last_error


# PostgreSQL: two connections really at once (SQLite's in-memory test database locks whole
# tables; the claim itself is checked on both by the test after this one).
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_running_at_once_send_each_task_once():
    now = timezone.now() - dt.timedelta(seconds=1)
    OutboxTask.objects.bulk_create(
        OutboxTask(task_path=sample_tasks.record.module_path, kwargs={"value": n}, not_before=now)
        for n in range(40)
    )
    start = threading.Barrier(2)
    errors = []

    def sweeper():
        start.wait()
        try:
            outbox_send_due()
        except Exception as error:  # a crash would hide as "sent once"
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(sample_tasks.runs) == list(range(40))  # every one, none twice
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_row_claimed_by_one_sweeper_is_not_sent_by_another():
    row = OutboxTask.objects.create(
        task_path=sample_tasks.record.module_path,
        kwargs={"value": "once"},
        not_before=timezone.now() - dt.timedelta(seconds=1),
    )
    assert outbox.claim(row.pk, row.not_before) is not None
    assert outbox.claim(row.pk, row.not_before) is None  # the second sweeper loses
    assert outbox_send_due() == 0  # and the claim keeps it from the next sweep
    assert sample_tasks.runs == []


@pytest.mark.django_db
def test_operators_see_the_waiting_tasks_in_the_admin_and_cannot_edit_them(admin_client):
    row = OutboxTask.objects.create(
        task_path="byline.core.tasks.sessions_clear_expired",
        kwargs={},
        not_before=timezone.now(),
        attempts=3,
        last_error="ConnectionError: Error 111 connecting to redis",
    )
    page = admin_client.get("/admin/core/outboxtask/")
    assert page.status_code == 200
    assert "byline.core.tasks.sessions_clear_expired" in page.content.decode()
    assert "Error 111" in page.content.decode()
    assert admin_client.get("/admin/core/outboxtask/add/").status_code == 403
    detail = admin_client.post(f"/admin/core/outboxtask/{row.pk}/change/", {"attempts": 0})
    assert detail.status_code == 403
    row.refresh_from_db()
    assert row.attempts == 3


@pytest.mark.django_db(transaction=True)
def test_the_worker_scheduler_sweeps_the_outbox():
    from byline.core.periodic import PeriodicScheduler

    OutboxTask.objects.create(
        task_path=sample_tasks.record.module_path,
        kwargs={"value": "swept"},
        not_before=timezone.now() - dt.timedelta(seconds=1),
    )
    PeriodicScheduler().tick()
    assert sample_tasks.runs == ["swept"]
    assert not OutboxTask.objects.exists()
