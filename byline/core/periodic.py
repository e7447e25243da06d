"""Periodic tasks: Django tasks that `byline worker` enqueues on a fixed interval.

    from django_tasks import task
    from byline.core.periodic import periodic

    @periodic(every=60)
    @task()
    def counters_flush() -> None: ...

Every worker process runs a small scheduler thread; a cache lock (`cache.add`, atomic in Redis)
makes sure each task is enqueued once per interval however many workers run, on however many
machines. The task then runs on whichever worker takes it, like any other task. With
BYLINE_TASKS=immediate there is no worker: `byline periodic` runs the same scheduler on its own
(and the tasks in it), as a service next to the web server (docs/deploy.md).

The scheduler also sweeps the outbox every OUTBOX_SWEEP_SECONDS (byline.core.outbox): the tasks
that the queue refused while it was down are sent from here once it is back. The sweep talks to
the queue itself, so it runs in the scheduler's thread rather than as a queued task.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import close_old_connections
from django.utils.module_loading import autodiscover_modules
from django_tasks.base import Task

logger = logging.getLogger(__name__)
OUTBOX_SWEEP_SECONDS = 5.0


@dataclass(frozen=True)
class Periodic:
    task: Task
    every: int  # seconds

    @property
    def name(self) -> str:
        return self.task.module_path


_registry: dict[str, Periodic] = {}


def periodic(*, every: int):
    """Register a task (the result of `@task()`) to be enqueued every `every` seconds."""
    if every < 1:
        raise ValueError("every must be at least one second")

    def register(task: Task) -> Task:
        if not isinstance(task, Task):
            raise TypeError("@periodic goes above @task(): it schedules a Django task")
        _registry[task.module_path] = Periodic(task=task, every=every)
        return task

    return register


def periodic_tasks() -> list[Periodic]:
    autodiscover_modules("tasks")  # registration happens when each app's tasks.py is imported
    return sorted(_registry.values(), key=lambda entry: entry.name)


def periodic_enqueue_due() -> list[str]:
    """Enqueue every periodic task whose interval has passed since it was last enqueued (by any
    worker); returns the names of those enqueued."""
    enqueued = []
    for entry in periodic_tasks():
        # The key lives for one interval: only the first scheduler to get it enqueues the task.
        if cache.add(f"periodic:{entry.name}", 1, timeout=entry.every):
            try:
                entry.task.enqueue()
            except Exception:
                cache.delete(f"periodic:{entry.name}")  # try again on the next tick
                logger.exception("periodic: could not enqueue %s", entry.name)
                continue
            enqueued.append(entry.name)
    return enqueued


class PeriodicScheduler(threading.Thread):
    """A daemon thread that enqueues due periodic tasks every `tick` seconds until stopped."""

    def __init__(self, tick: float = 1.0) -> None:
        super().__init__(name="byline-periodic", daemon=True)
        self.tick_seconds = tick
        self.stopped = threading.Event()
        self._swept = float("-inf")

    def tick(self) -> None:
        """One round: enqueue what is due; sweep the outbox when its turn has come."""
        from byline.core.outbox import outbox_send_due

        try:
            for name in periodic_enqueue_due():
                logger.info("periodic: enqueued %s", name)
            if time.monotonic() - self._swept >= OUTBOX_SWEEP_SECONDS:
                self._swept = time.monotonic()
                outbox_send_due()
        except Exception:  # the cache is down: keep the worker alive, retry next tick
            logger.exception("periodic: scheduler tick failed")
        finally:
            close_old_connections()  # as after a request: drop broken or expired ones

    def run(self) -> None:
        while not self.stopped.is_set():
            self.tick()
            self.stopped.wait(self.tick_seconds)

    def stop(self) -> None:
        self.stopped.set()
