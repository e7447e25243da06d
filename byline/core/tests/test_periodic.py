"""Periodic tasks: enqueued once per interval, however many workers' schedulers ask."""

import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from byline.core.periodic import periodic, periodic_enqueue_due, periodic_tasks
from byline.core.tasks import sessions_clear_expired


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def queued() -> list[str]:
    return list(DBTaskResult.objects.values_list("task_path", flat=True))


def test_the_housekeeping_tasks_are_registered():
    entries = {entry.name: entry.every for entry in periodic_tasks()}
    assert entries[sessions_clear_expired.module_path] == 24 * 3600


def test_periodic_schedules_tasks_only():
    with pytest.raises(TypeError, match="above @task"):
        periodic(every=60)(lambda: None)
    with pytest.raises(ValueError, match="at least one second"):
        periodic(every=0)(task()(print))


@pytest.mark.django_db
def test_a_due_task_is_enqueued_once_per_interval(database_queue):
    assert sessions_clear_expired.module_path in periodic_enqueue_due()
    assert queued().count(sessions_clear_expired.module_path) == 1
    # Another worker's scheduler, a moment later: nothing is due.
    assert sessions_clear_expired.module_path not in periodic_enqueue_due()
    assert queued().count(sessions_clear_expired.module_path) == 1
    # The interval is over when its lock expires.
    cache.delete(f"periodic:{sessions_clear_expired.module_path}")
    assert sessions_clear_expired.module_path in periodic_enqueue_due()
    assert queued().count(sessions_clear_expired.module_path) == 2


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_schedulers_racing_on_redis_enqueue_a_task_once(database_queue):
    results = []
    start = threading.Barrier(8)

    def scheduler():
        start.wait()
        try:
            results.append(periodic_enqueue_due())
        finally:
            connection.close()  # each thread has its own

    threads = [threading.Thread(target=scheduler) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sessions_clear_expired.module_path in names for names in results) == 1
    assert queued().count(sessions_clear_expired.module_path) == 1
