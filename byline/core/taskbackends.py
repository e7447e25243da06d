"""The in-process task back-end of the embedded default (BYLINE_TASKS=immediate).

django-tasks' ImmediateBackend runs a task inside `enqueue`, so a task enqueued while a request
is answered (a notification e-mail, image renditions) would make that response wait for it.
`AfterResponseImmediateBackend` runs such tasks once the response has been sent instead:
Django sends `request_finished` when the server closes the response, which WSGI servers
(granian, gunicorn, Django's own) do after the last byte went out. Outside a request (management
commands, the periodic scheduler, services called directly) tasks run at once, as before.

A task that fails is logged by django-tasks (logger "django_tasks", with its traceback) and
never reaches the client, who has the response already.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from asgiref.local import Local
from django.core.signals import request_finished, request_started
from django_tasks.backends.immediate import ImmediateBackend

logger = logging.getLogger(__name__)
_state = Local()


def run_after_response(work: Callable[[], object]) -> None:
    """Run `work()` after the response of the current request is sent, or now outside one."""
    pending = getattr(_state, "pending", None)
    if pending is None:
        work()
    else:
        pending.append(work)


def _run(pending: list[Callable[[], object]]) -> None:
    for work in pending:  # in order; work enqueued meanwhile runs at once (no request now)
        try:
            work()
        except Exception:
            logger.exception("A background task after the response failed")


def request_began(**kwargs) -> None:
    leftover = getattr(_state, "pending", None)
    _state.pending = None
    if leftover:
        # The server never closed the previous response: run its tasks rather than lose them.
        _run(leftover)
    _state.pending = []


def request_ended(**kwargs) -> None:
    pending = getattr(_state, "pending", None)
    _state.pending = None
    if pending:
        _run(pending)


def connect() -> None:
    request_started.connect(request_began, dispatch_uid="byline.taskbackends.started")
    request_finished.connect(request_ended, dispatch_uid="byline.taskbackends.finished")


class AfterResponseImmediateBackend(ImmediateBackend):
    """ImmediateBackend that, inside a request, runs tasks after the response."""

    def _execute_task(self, task_result) -> None:
        execute = super()._execute_task
        run_after_response(lambda: execute(task_result))
