"""`byline worker`: run the background tasks that the web processes enqueue.

BYLINE_TASKS=rq        an rq worker on the Redis queues (django-tasks-rq); run as many as needed,
                       on as many machines as needed.
BYLINE_TASKS=database  django-tasks-db's worker polling the database: one machine, no Redis.
BYLINE_TASKS=immediate tasks run inside the web process: there is nothing to run.

Every worker also sends the tasks that wait in the outbox (byline.core.outbox) because the queue
was down when they were written: its scheduler does it every few seconds, `--burst` once first.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from byline.core.db import pin_process_to_primary
from byline.core.outbox import outbox_send_due
from byline.core.periodic import PeriodicScheduler, periodic_tasks


class Command(BaseCommand):
    help = "Run background tasks from the task queue (BYLINE_TASKS=rq or database)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--burst",
            action="store_true",
            help="Run the tasks that are waiting, then exit (cron jobs, tests).",
        )
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            choices=settings.TASK_QUEUES,
            help="Queue to work on (repeatable; default: all).",
        )
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="Do not enqueue periodic tasks from this worker (some other worker does).",
        )

    def handle(
        self,
        *args,
        burst: bool,
        queues: list[str] | None,
        no_periodic: bool,
        verbosity: int,
        **options,
    ):
        queues = queues or settings.TASK_QUEUES
        if settings.TASKS_BACKEND not in ("rq", "database"):
            raise CommandError(
                "BYLINE_TASKS is 'immediate': tasks run inside the web process, so there is "
                "nothing for a worker to do. Set BYLINE_TASKS=rq (with REDIS_URL) or "
                "BYLINE_TASKS=database, for the web processes and the worker alike."
            )
        # A task is often enqueued right after the write it is about: read from the primary,
        # never from a replica that may not have the row yet.
        pin_process_to_primary()
        if burst:
            # Tasks that waited in the outbox while the queue was down go first (a long-running
            # worker's scheduler sends them every few seconds).
            while sent := outbox_send_due():
                self.stdout.write(f"byline worker: sent {sent} waiting tasks to the queue")
        scheduler = None
        if not burst and not no_periodic:
            # Enqueues periodic tasks when due; a lock in the cache keeps it to once per interval
            # across all workers.
            names = ", ".join(f"{p.name} every {p.every}s" for p in periodic_tasks())
            self.stdout.write(f"byline worker: periodic tasks: {names or 'none'}")
            scheduler = PeriodicScheduler()
            scheduler.start()
        try:
            self._work(queues=queues, burst=burst, verbosity=verbosity)
        finally:
            if scheduler is not None:
                scheduler.stop()

    def _work(self, *, queues: list[str], burst: bool, verbosity: int) -> None:
        if settings.TASKS_BACKEND == "rq":
            self.stdout.write(f"byline worker: rq on {', '.join(queues)}")
            call_command(
                "rqworker",
                *queues,
                job_class="django_tasks_rq.Job",
                burst=burst,
                # The scheduler moves deferred tasks (run_after) onto the queue when due.
                with_scheduler=True,
                verbosity=verbosity,
            )
        else:
            self.stdout.write(f"byline worker: database queue {', '.join(queues)}")
            call_command(
                "db_worker",
                queue_name=",".join(queues),
                batch=burst,
                startup_delay=not burst,
                reload=False,
                verbosity=verbosity,
            )
