"""`byline periodic`: enqueue periodic tasks when due, for sites without `byline worker`, and
send the tasks waiting in the outbox (byline.core.outbox).

`byline worker` already does this; run `byline periodic` only when BYLINE_TASKS=immediate (the
tasks then run inside this process)."""

from django.core.management.base import BaseCommand

from byline.core.periodic import PeriodicScheduler, periodic_tasks


class Command(BaseCommand):
    help = "Run periodic tasks on their intervals (only needed without `byline worker`)."

    def handle(self, *args, **options):
        for entry in periodic_tasks():
            self.stdout.write(f"byline periodic: {entry.name} every {entry.every}s")
        scheduler = PeriodicScheduler()
        # Run in this thread: Ctrl-C or SIGTERM ends the command.
        scheduler.run()
