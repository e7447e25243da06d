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


def granian_argv(
    *, host: str, port: int, workers: int, app: str = "byline.wsgi:application"
) -> list[str]:
    """The production server's command line (also used by `make bench`).

    Tuning, measured with `make bench` (issue 8): WSGI interface (the fast path is synchronous
    and does no I/O on a hit, so no event loop is needed); one worker per core; a small blocking
    thread pool per worker (a hit takes microseconds, a miss waits on the database: 4 threads keep
    the core busy while one waits, more only add GIL contention); backpressure equal to the thread
    pool so that overload queues in the kernel instead of in Python; no access log.
    """
    granian = shutil.which("granian") or os.path.join(os.path.dirname(sys.executable), "granian")
    threads = env_int("BYLINE_THREADS", 4, minimum=1, maximum=64)
    return [
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
        str(threads),
        "--backpressure",
        str(env_int("BYLINE_BACKPRESSURE", threads, minimum=1, maximum=1024)),
        "--no-ws",
        "--log-level",
        "warning",
        app,
    ]


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
        argv = granian_argv(host=host, port=port, workers=workers)
        sys.stdout.flush()
        os.execv(argv[0], argv)
