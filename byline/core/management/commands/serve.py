"""`byline serve`: the production server alone, for systemd and other process managers.

The same granian command line as `byline run`, without its preparation (migrations, static
files and demo content are a deploy step: docs/deploy.md, "Deploying a version").
"""

from django.core.management.base import BaseCommand

from byline.core.management.commands.run import exec_server, granian_argv


class Command(BaseCommand):
    help = "Serve the site with the production server (granian), as `byline run` does."

    def add_arguments(self, parser):
        parser.add_argument(
            "--app",
            default="byline.wsgi:application",
            help="WSGI application to serve (the benchmark serves its own wrapper of Byline's).",
        )

    def handle(self, *args, app, **options):
        exec_server(granian_argv(app=app))
