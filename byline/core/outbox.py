"""The outbox: every background task that follows a write goes through `enqueue_on_commit`, so
a task-queue outage (Redis down) never fails the write nor loses the task.

    from byline.core.outbox import enqueue_on_commit
    enqueue_on_commit(notification_send_email, notification_id=notification.pk)

1. Inside the caller's transaction, a row (`core.OutboxTask`: the task's import path and its
   JSON arguments) is written: it commits with the write, or not at all.
2. After the commit, the task is handed to the queue (`task.enqueue`); the row is deleted once
   the queue has taken it (with the in-process backend: once the task has run).
3. When the queue refuses (Redis unreachable), the row stays with the error and a back-off; the
   sweep (`outbox_send_due`, run by every `byline worker` and by `byline periodic`, and first by
   `byline worker --burst`) sends the rows that are due.

A row is sent by whoever claims it: a conditional update that moves `not_before` forward by
CLAIM_SECONDS, which succeeds for one process only (compare-and-set, on SQLite as on
PostgreSQL), so two sweepers, or a sweeper and the request that wrote the row, never send the
same row twice. Delivery is at least once: a process that dies between handing a task to the
queue and deleting its row leaves the row to be sent again after its claim expires, so tasks
must tolerate running twice (docs/security.md, "Outages and background work").

Tasks are known by their import path only: this module imports no app.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from functools import partial

from django.db import DatabaseError, router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task

from byline.core.health import is_outage
from byline.core.models import OutboxTask
from byline.core.taskbackends import run_after_response

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 60  # how long a process that took a row has to send it
BATCH = 100  # rows per sweep
MAX_OUTAGE_BACKOFF = 60  # the queue is down: try again at least once a minute
MAX_ERROR_BACKOFF = 3600  # anything else (a task that no longer exists): once an hour
QUEUE_RETRY_SECONDS = 5.0  # after a refusal, leave the queue alone this long in this process
_queue_resting_until = 0.0


def backoff_seconds(*, attempts: int, outage: bool) -> int:
    """10 s, 20 s, 40 s... after each failed attempt, up to the limit for the kind of failure."""
    limit = MAX_OUTAGE_BACKOFF if outage else MAX_ERROR_BACKOFF
    return min(limit, 10 * 2 ** min(max(attempts - 1, 0), 20))


def _alias() -> str:
    return router.db_for_write(OutboxTask)


def enqueue_on_commit(task: Task | str, /, **kwargs) -> OutboxTask:
    """Queue `task(**kwargs)` after the current transaction commits, through the outbox.

    `task` is the task or its import path: a service enqueues its own app's tasks by path, so
    the tasks module may import the services without a cycle. Raises TypeError at once (in the
    write, not later in a worker) for a non-task or for arguments that are not JSON, which no
    queue could carry. A row re-sent by the sweep is sent as the module's task is declared: give
    queue and priority in `@task(...)`, not with `.using(...)` at the call."""
    task = task_named(task) if isinstance(task, str) else task
    if not isinstance(task, Task):
        raise TypeError(f"enqueue_on_commit takes a Django task (@task()), not {task!r}")
    try:
        arguments = json.loads(json.dumps(kwargs))
    except (TypeError, ValueError) as error:
        raise TypeError(f"{task.module_path}: arguments must be JSON ({error})") from None
    alias = _alias()
    row = OutboxTask.objects.using(alias).create(
        task_path=task.module_path,
        kwargs=arguments,
        not_before=timezone.now() + dt.timedelta(seconds=CLAIM_SECONDS),
    )
    transaction.on_commit(
        partial(_send_after_commit, row.pk, row.not_before, task, arguments), using=alias
    )
    return row


def task_named(path: str) -> Task:
    """The task at `path` ("byline.stats.tasks.flush_view_counts"); TypeError if it is not one."""
    task = import_string(path)
    if not isinstance(task, Task):
        raise TypeError(f"{path} is not a Django task (@task())")
    return task


def enqueue_once_on_commit(task: Task | str, /, **kwargs) -> OutboxTask | None:
    """`enqueue_on_commit`, unless the same task with the same arguments is waiting already
    (for tasks whose second run would only redo the first: image renditions). None then."""
    task = task_named(task) if isinstance(task, str) else task
    waiting = OutboxTask.objects.using(_alias()).filter(
        task_path=getattr(task, "module_path", ""), kwargs=kwargs
    )
    if waiting.exists():
        return None
    return enqueue_on_commit(task, **kwargs)


def claim(pk: int, seen_not_before: dt.datetime) -> dt.datetime | None:
    """Take the row for sending if nobody has since `seen_not_before` was read; the new claim's
    end, or None when another process took it first."""
    until = timezone.now() + dt.timedelta(seconds=CLAIM_SECONDS)
    taken = (
        OutboxTask.objects.using(_alias())
        .filter(pk=pk, not_before=seen_not_before)
        .update(not_before=until)
    )
    return until if taken else None


def _send_after_commit(pk: int, not_before: dt.datetime, task: Task, kwargs: dict) -> None:
    try:
        # The claim written with the row still holds unless the transaction outlasted it.
        if timezone.now() >= not_before - dt.timedelta(seconds=5) and not claim(pk, not_before):
            return
        _send(pk, task=task, task_path=task.module_path, kwargs=kwargs)
    except Exception:  # never fail the request whose write is committed
        logger.exception("Outbox: could not send %s (row %s)", task.module_path, pk)


def _queue_resting() -> bool:
    return time.monotonic() < _queue_resting_until


SENT, REFUSED, FAILED = "sent", "refused", "failed"


def _send(pk: int, *, task: Task | None, task_path: str, kwargs: dict, attempts: int = 0) -> str:
    """Hand one claimed row's task to the queue: SENT (the row is gone), REFUSED (the queue is
    unreachable) or FAILED (the row cannot be sent as it is); the row keeps the error."""
    global _queue_resting_until
    if _queue_resting():
        return REFUSED  # the claim expires and a sweep sends it; no attempt is counted
    try:
        if task is None:
            task = import_string(task_path)
            if not isinstance(task, Task):
                raise TypeError(f"{task_path} is not a task")
        task.enqueue(**kwargs)
    except Exception as error:
        outage = is_outage(error)
        if outage:
            _queue_resting_until = time.monotonic() + QUEUE_RETRY_SECONDS
        _record_failure(pk, error, outage=outage, attempts=attempts)
        return REFUSED if outage else FAILED
    delete = partial(_delete, pk)
    if isinstance(task.get_backend(), ImmediateBackend):
        run_after_response(delete)  # in-process: after the task itself has run
    else:
        delete()
    return SENT


def _record_failure(pk: int, error: Exception, *, outage: bool, attempts: int) -> None:
    delay = backoff_seconds(attempts=attempts + 1, outage=outage)
    message = f"{type(error).__name__}: {error}"[:500]
    log = logger.warning if outage else logger.error
    log("Outbox: task not queued (row %s), next try in %ss: %s", pk, delay, message)
    try:
        OutboxTask.objects.using(_alias()).filter(pk=pk).update(
            attempts=F("attempts") + 1,
            last_error=message,
            not_before=timezone.now() + dt.timedelta(seconds=delay),
        )
    except DatabaseError:
        logger.exception("Outbox: could not record the failure of row %s", pk)


def _delete(pk: int) -> None:
    try:
        OutboxTask.objects.using(_alias()).filter(pk=pk).delete()
    except DatabaseError:
        # The task was queued: the row is sent again once its claim expires (at least once).
        logger.exception("Outbox: could not delete the sent row %s", pk)


def outbox_send_due(*, limit: int = BATCH) -> int:
    """Send the rows that are due (oldest first); returns how many the queue took. Stops at
    the first refusal by the queue: the rest wait for the next sweep."""
    if _queue_resting():
        return 0
    due = list(
        OutboxTask.objects.using(_alias())
        .filter(not_before__lte=timezone.now())
        .order_by("not_before", "id")
        .values_list("pk", "not_before", "task_path", "kwargs", "attempts")[:limit]
    )
    sent = 0
    for pk, not_before, task_path, kwargs, attempts in due:
        if claim(pk, not_before) is None:
            continue  # another sweeper has it
        outcome = _send(pk, task=None, task_path=task_path, kwargs=kwargs, attempts=attempts)
        if outcome == REFUSED:
            # Not tried (the queue rests after a refusal): give the claim back, so the row is
            # due again with the others. A tried row keeps its recorded back-off.
            OutboxTask.objects.using(_alias()).filter(pk=pk, attempts=attempts).update(
                not_before=not_before
            )
            break
        sent += outcome == SENT
    if sent:
        logger.info("Outbox: sent %d waiting tasks", sent)
    return sent


def outbox_waiting() -> int:
    """How many tasks wait for the queue (for health and operators)."""
    return OutboxTask.objects.using(_alias()).count()
