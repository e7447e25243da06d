"""`byline worker` runs the tasks the web processes enqueue: on Redis (rq) with a real worker
process, and on the database queue for single machines."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus

import byline.core.db
from byline.core.tasks import sessions_clear_expired


@pytest.fixture
def sessions(db):
    """One live session and two expired ones, in the database."""
    live = SessionStore()
    live["reader"] = "bob"
    live.create()
    for _ in range(2):
        old = SessionStore()
        old.create()
        Session.objects.filter(session_key=old.session_key).update(
            expire_date=timezone.now() - timedelta(days=1)
        )
    return live.session_key


@pytest.fixture(autouse=True)
def _unpin_after(monkeypatch):
    # `byline worker` pins its process to the primary; keep that out of other tests.
    monkeypatch.setattr(byline.core.db, "_process_pinned", False)


def test_the_worker_refuses_to_start_when_tasks_run_in_process(settings):
    settings.TASKS_BACKEND = "immediate"
    with pytest.raises(CommandError, match="nothing for a worker to do"):
        call_command("worker", burst=True)


# transaction=True: the worker closes its database connection between batches, as a worker must.
@pytest.mark.django_db(transaction=True)
def test_the_database_queue_is_worked_by_the_worker(settings, sessions):
    settings.TASKS_BACKEND = "database"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    result = sessions_clear_expired.enqueue()
    assert Session.objects.count() == 3  # queued, not run
    call_command("worker", burst=True, verbosity=0)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [sessions]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}{password}@{host}/{db['NAME']}"


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_on_redis_is_run_by_a_real_rq_worker_process(settings, sessions):
    import django_rq

    settings.TASKS_BACKEND = "rq"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default")
    queue.empty()

    result = sessions_clear_expired.enqueue()
    assert queue.count == 1
    assert Session.objects.count() == 3  # nothing ran in this process

    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "byline.settings.base",
        "DATABASE_URL": _database_url(),  # the test database this test committed to
        "REDIS_URL": settings.REDIS_URL,
        "BYLINE_TASKS": "rq",
    }
    worker = subprocess.run(
        [sys.executable, "-m", "byline", "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    assert queue.count == 0
    assert list(Session.objects.values_list("session_key", flat=True)) == [sessions]
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert result.worker_ids  # the rq worker that ran it


@pytest.mark.django_db(transaction=True)
def test_a_burst_worker_first_sends_the_tasks_waiting_in_the_outbox(settings, sessions):
    from byline.core.models import OutboxTask

    settings.TASKS_BACKEND = "database"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    # Refused by the queue earlier; its back-off is over.
    OutboxTask.objects.create(
        task_path=sessions_clear_expired.module_path,
        kwargs={},
        not_before=timezone.now() - timedelta(seconds=1),
        attempts=2,
        last_error="ConnectionError: the queue was down",
    )
    call_command("worker", burst=True, verbosity=0)
    assert not OutboxTask.objects.exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == [sessions]
