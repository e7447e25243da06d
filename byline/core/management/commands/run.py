"""`byline run`: everything `make run` promises, in one command.

Applies migrations, collects static files, loads the demo content once, then replaces itself with
the production WSGI server (granian: measured faster than gunicorn for this app, docs/deploy.md),
started exactly as `byline serve` starts it.
"""

import os
import resource
import shutil
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from byline.settings.env import env_bool

# Open files a worker keeps for itself besides client connections: database and Redis
# connections, SQLite's files per thread, static files being sent, logs, imported modules.
RESERVED_FILES = 256


def open_file_limit() -> int:
    """Raise this process's soft limit of open files to its hard limit (the server inherits it:
    each open connection is a file) and return the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = 1_048_576 if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft if soft != resource.RLIM_INFINITY else 1_048_576


def max_connections() -> int:
    """Connections one worker may hold (granian's `--backpressure`, which bounds connections,
    not requests): BYLINE_MAX_CONNECTIONS, or the default within the open-file limit."""
    available = open_file_limit() - RESERVED_FILES
    wanted = settings.SERVER_MAX_CONNECTIONS
    if not wanted:
        return max(1, min(settings.SERVER_DEFAULT_MAX_CONNECTIONS, available))
    if wanted > available:
        raise CommandError(
            f"BYLINE_MAX_CONNECTIONS is {wanted}, but a worker may open only "
            f"{available + RESERVED_FILES} files (ulimit -n; {RESERVED_FILES} are kept for the "
            f"database, caches and files): raise the limit (systemd: LimitNOFILE=) or lower "
            f"BYLINE_MAX_CONNECTIONS."
        )
    return wanted


def granian_argv(*, app: str = "byline.wsgi:application") -> list[str]:
    """The production server's command line, from the settings (docs/configuration.md).

    Measured with `make bench`: the WSGI interface (the fast path is synchronous and
    does no I/O on a hit, so no event loop is needed); one worker per core; a small blocking
    thread pool per worker (a hit takes microseconds, a miss waits on the database: 4 threads keep
    the core busy while one waits, more only add GIL contention); no access log.

    Connections (docs/deploy.md, "Connections"): a worker holds up to `max_connections()` open
    connections, idle keep-alive ones included, while its threads serve the requests that
    arrive on them; HTTP/1 only, so that the header timeout runs from a connection's first
    moment (the HTTP/1-or-2 sniffing of `--http auto` waits for a first byte without a timeout)
    and also closes keep-alive connections left idle; the read buffer bounds the request line
    and headers (431 above it; request bodies are streamed, not buffered whole).
    """
    granian = shutil.which("granian") or os.path.join(os.path.dirname(sys.executable), "granian")
    return [
        granian,
        "--interface",
        "wsgi",
        "--host",
        settings.SERVER_HOST,
        "--port",
        str(settings.SERVER_PORT),
        "--workers",
        str(settings.SERVER_WORKERS),
        "--blocking-threads",
        str(settings.SERVER_THREADS),
        "--backpressure",
        str(max_connections()),
        "--backlog",
        str(settings.SERVER_BACKLOG),
        "--http",
        "1",
        "--http1-header-read-timeout",
        str(settings.SERVER_HEADER_TIMEOUT * 1000),
        "--http1-buffer-size",
        str(settings.SERVER_MAX_HEADER_BYTES),
        "--no-ws",
        "--log-level",
        "warning",
        app,
    ]


def exec_server(argv: list[str]) -> None:
    """Replace this process with the server (systemd and signals then reach granian itself)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv[0], argv)


class Command(BaseCommand):
    help = "Prepare the database and serve the site with the production server (granian)."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Do not load demo content.")
        parser.add_argument("--prepare-only", action="store_true", help="Set up, then exit.")

    def handle(self, *args, no_demo, prepare_only, **options):
        argv = granian_argv()  # a bad limit stops here, before anything is changed
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_demo and env_bool("BYLINE_DEMO", True):
            call_command("demo")
        url = f"{settings.SERVER_URL}/"
        self.stdout.write(self.style.SUCCESS(f"\n  {settings.SITE_NAME} is serving at {url}"))
        if settings.SITE_URL != settings.SERVER_URL:
            self.stdout.write(f"  Links in e-mails and feeds use {settings.SITE_URL}/")
        password_file = settings.DATA_DIR / "demo-admin-password"
        if password_file.exists():
            password = password_file.read_text().strip()
            self.stdout.write(
                f"  Sign in as the demo admin: handle 'admin', password '{password}'\n"
                f"  (also in {password_file}; /admin/ for operators)\n"
            )
        if prepare_only:
            return
        exec_server(argv)
