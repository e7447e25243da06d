"""`byline run`: everything `make run` promises, in one command.

Applies migrations, collects static files, loads the demo content once, then replaces itself with
the production WSGI server (granian: measured faster than gunicorn for this app, see issue 8).
"""

import os
import shutil
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from byline.settings.env import env_bool, env_int, env_str


class Command(BaseCommand):
    help = "Prepare the database and serve the site with the production server (granian)."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Do not load demo content.")
        parser.add_argument("--prepare-only", action="store_true", help="Set up, then exit.")

    def handle(self, *args, no_demo, prepare_only, **options):
        host = env_str("BYLINE_HOST", "127.0.0.1")
        port = env_int("PORT", 8000, minimum=1, maximum=65535)
        workers = env_int("BYLINE_WORKERS", 2, minimum=1, maximum=64)
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_demo and env_bool("BYLINE_DEMO", True):
            call_command("demo")
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\n  {settings.SITE_NAME} is serving at {url}"))
        password_file = settings.DATA_DIR / "demo-admin-password"
        if password_file.exists():
            password = password_file.read_text().strip()
            self.stdout.write(
                f"  Sign in as the demo admin: handle 'admin', password '{password}'\n"
                f"  (also in {password_file}; /admin/ for operators)\n"
            )
        if prepare_only:
            return
        granian = shutil.which("granian") or os.path.join(
            os.path.dirname(sys.executable), "granian"
        )
        argv = [
            granian,
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(env_int("BYLINE_THREADS", 4, minimum=1, maximum=64)),
            "--no-ws",
            "--log-level",
            "warning",
            "byline.wsgi:application",
        ]
        sys.stdout.flush()
        os.execv(granian, argv)
