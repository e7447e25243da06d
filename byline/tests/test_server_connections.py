"""The production server keeps answering while connections sit idle, closes the ones that send
no request in time, and refuses oversized headers, in the embedded default (`byline run`), in the
documented production set-up (`byline serve` on PostgreSQL + Redis) and behind the documented
nginx configuration. Every server is a real subprocess on loopback; every connection opened here
is closed at the end of its test.
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest

from byline.tests.servers import (
    HOST,
    NGINX,
    answers,
    byline,
    free_port,
    get,
    idle_connections,
    raw_exchange,
    read_response,
    server_env,
    start_byline,
    start_nginx,
    status_line,
)

ROOT = Path(__file__).resolve().parents[2]
IDLE = 500
# Pages that go through Django, the database and the cache, and the process probe.
PAGES = ["/healthz", "/", "/accounts/login/", "/explore/"]


def assert_pages_answer(port: int) -> None:
    for _ in range(3):
        for path in PAGES:
            assert answers(port, path) == 200, path


# --- Embedded default: `byline run` (what `make run` starts) ------------------------------------


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("server") / "data"


@pytest.fixture(scope="module")
def embedded_server(data_dir):
    """`byline run --no-demo` as `make run` starts it (2 workers x 4 threads), with the longest
    header timeout, so that waiting for a timeout can never pass for an answer."""
    port = free_port()
    env = server_env(data_dir, port, BYLINE_HEADER_TIMEOUT="60")
    server = start_byline(["run", "--no-demo"], env, data_dir.parent / "run.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def short_timeout_server(embedded_server, data_dir):
    """`byline serve` on the same (prepared) data folder, with a 2 s header timeout."""
    port = free_port()
    env = server_env(data_dir, port, BYLINE_HEADER_TIMEOUT="2")
    server = start_byline(["serve"], env, data_dir.parent / "serve.log")
    yield server
    server.stop()


def test_the_site_answers_while_500_connections_sit_idle(embedded_server):
    port = embedded_server.port
    with idle_connections(port, IDLE - 20, kept_alive=20):
        assert_pages_answer(port)
    assert_pages_answer(port)


def test_connections_that_send_no_request_in_time_are_closed(short_timeout_server):
    port = short_timeout_server.port
    silent = socket.create_connection((HOST, port))
    partial = socket.create_connection((HOST, port))
    partial.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # and never the rest
    kept = socket.create_connection((HOST, port))
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    # Keep-alive works: two requests on one connection...
    for _ in range(2):
        kept.sendall(request)
        assert read_response(kept).startswith(b"HTTP/1.1 200")
    try:
        # ...and then each connection is closed by the server (EOF or reset), well before the
        # 30 s generous client timeout.
        for name, sock in [("silent", silent), ("partial header", partial), ("kept-alive", kept)]:
            sock.settimeout(30)
            started = time.monotonic()
            try:
                leftover = sock.recv(65536)
                while leftover and not leftover.endswith(b"\r\n\r\n"):
                    leftover = sock.recv(65536)
                if leftover:  # a 408 or similar, then the close
                    leftover = sock.recv(65536)
                assert leftover == b"", f"{name}: the server sent {leftover[:80]!r}"
            except ConnectionResetError:
                pass
            except TimeoutError:
                pytest.fail(
                    f"{name} connection still open after {time.monotonic() - started:.0f} s"
                )
    finally:
        for sock in (silent, partial, kept):
            sock.close()
    assert answers(port, "/healthz") == 200


def test_oversized_headers_and_request_lines_are_refused(short_timeout_server):
    port = short_timeout_server.port
    big_header = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n"
    assert status_line(raw_exchange(port, big_header)).startswith("HTTP/1.1 431")
    long_line = b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    status = status_line(raw_exchange(port, long_line))
    assert re.match(r"HTTP/1.1 4\d\d", status), status
    many = b"".join(b"X-H%d: 1\r\n" % number for number in range(200))
    status = status_line(
        raw_exchange(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + many + b"\r\n")
    )
    assert re.match(r"HTTP/1.1 4\d\d", status), status
    # The server itself is unharmed.
    assert answers(port, "/healthz") == 200


def test_a_4_kb_cookie_and_a_3_mb_upload_are_not_refused(short_timeout_server):
    port = short_timeout_server.port
    cookie = {"Cookie": "theme=dark; prefs=" + "p" * 4096 + "; csrftoken=" + "c" * 32}
    assert answers(port, "/", cookie) == 200
    # A large multipart body (after a 4 KB cookie) is read in full and parsed by Django: the
    # sign-in form comes back with its error, it is not cut by the header limit.
    assert answers(port, "/accounts/login/", cookie) == 200
    token = "c" * 32
    boundary = "----bylinetest"
    fields = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in [("csrfmiddlewaretoken", token), ("login", "nobody")]
    )
    body = (
        (
            f'{fields}--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        + os.urandom(3 * 1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    head = (
        f"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Cookie: {cookie['Cookie']}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    answer = raw_exchange(port, head + body, timeout=30)
    assert status_line(answer).startswith("HTTP/1.1 200"), answer[:300]
    assert b"This field is required" in answer  # the password: the form was read


# --- The documented production set-up: `byline serve` on PostgreSQL + Redis (docs/deploy.md) --


@pytest.fixture(scope="module")
def production_env(tmp_path_factory):
    """A fresh PostgreSQL database beside the test run's, the test run's Redis under its own
    key prefix, prepared as the deploy guide says (`byline migrate`, `byline collectstatic`)."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or not (
        settings.REDIS_URL
    ):
        pytest.skip("needs DATABASE_URL=postgres://... and REDIS_URL")  # see pytest_runtest_setup
    import psycopg
    import redis

    db = settings.DATABASES["default"]
    name = f"byline_connections_{os.getpid()}"
    admin = f"host={db['HOST']} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
    if db.get("PASSWORD"):
        admin += f" password={db['PASSWORD']}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    user = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    prefix = f"byline-connections-{os.getpid()}"
    folder = tmp_path_factory.mktemp("production")
    env = server_env(
        folder / "data",
        free_port(),
        DATABASE_URL=f"postgres://{user}@{db['HOST']}:{db['PORT'] or 5432}/{name}",
        REDIS_URL=settings.REDIS_URL,
        BYLINE_CACHE_PREFIX=prefix,
        # Tasks stay in-process: an rq queue is not under the key prefix, and jobs left in the
        # test run's Redis database would reach the tests that inspect the queue.
        BYLINE_HEADER_TIMEOUT="60",
    )
    byline("migrate", "--no-input", env=env)
    byline("collectstatic", "--no-input", env=env)
    yield env, folder
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def production_server(production_env):
    env, folder = production_env
    server = start_byline(["serve"], env, folder / "serve.log")
    yield server
    server.stop()


@pytest.mark.postgres
@pytest.mark.redis
def test_the_production_set_up_answers_while_500_connections_sit_idle(production_server):
    port = production_server.port
    with idle_connections(port, IDLE - 20, kept_alive=20):
        assert_pages_answer(port)
        assert answers(port, "/readyz") == 200
    assert_pages_answer(port)


# --- Behind nginx, with the configuration the deploy guide documents ----------------------------


def documented(fence: str, containing: str) -> str:
    """The fenced block of docs/deploy.md in language `fence` that contains `containing`."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    blocks = re.findall(rf"```{fence}\n(.*?)```", text, re.S)
    found = [block for block in blocks if containing in block]
    assert len(found) == 1, f"docs/deploy.md: one ```{fence} block with {containing!r} expected"
    return found[0]


def documented_nginx_site(*, app_port: int, port: int, media: Path) -> str:
    """The deploy guide's nginx site, on loopback ports, without TLS (no certificate here)."""
    site = documented("nginx", "upstream byline")
    replacements = [
        (r"server 127\.0\.0\.1:8000;", f"server {HOST}:{app_port};"),
        (r"listen 80;", f"listen {HOST}:{free_port()};"),
        (r"listen 443 ssl;", f"listen {HOST}:{port};"),
        (r"\n\s*http2 on;[^\n]*", ""),  # HTTP/2 needs TLS in browsers; older nginx lacks it
        (r"\n\s*ssl_certificate [^\n]*", ""),
        (r"\n\s*ssl_certificate_key [^\n]*", ""),
        (r"/var/lib/byline/media/", f"{media}/"),
    ]
    for pattern, replacement in replacements:
        site, count = re.subn(pattern, replacement, site)
        assert count == 1, f"docs/deploy.md's nginx block: {pattern!r} found {count} times"
    return site


@pytest.fixture(scope="module")
def behind_nginx(production_server, production_env):
    if not Path(NGINX).exists():
        if os.environ.get("BYLINE_REQUIRE_SERVICES"):
            pytest.fail(f"nginx is not installed at {NGINX} (apt-get install nginx)")
        pytest.skip("nginx is not installed")
    _env, folder = production_env
    port = free_port()
    site = documented_nginx_site(
        app_port=production_server.port, port=port, media=folder / "data" / "media"
    )
    nginx = start_nginx(site, folder / "nginx", port)
    yield nginx
    nginx.stop()


@pytest.mark.postgres
@pytest.mark.redis
def test_behind_the_documented_nginx_idle_connections_lock_nobody_out(
    behind_nginx, production_server
):
    port = behind_nginx.port
    # Visitors' idle connections are nginx's to hold.
    with idle_connections(port, IDLE - 20, kept_alive=20):
        assert_pages_answer(port)
    # nginx keeps up to `keepalive` upstream connections per worker open to the web server and
    # reuses them; while it sends traffic over them, other clients of the web server (probes, a
    # second proxy, an operator's curl) must still get in.
    stop = threading.Event()

    def through_nginx() -> set[int]:
        statuses = set()
        for _ in range(2000):  # bounded; stopped as soon as the direct checks are done
            if stop.is_set():
                break
            statuses.add(get(port, "/healthz", timeout=60)[0])
        return statuses

    with concurrent.futures.ThreadPoolExecutor(24) as pool:
        traffic = [pool.submit(through_nginx) for _ in range(24)]
        try:
            time.sleep(1)  # let nginx open its upstream connections (not a timing assertion)
            assert_pages_answer(production_server.port)
        finally:
            stop.set()
        assert set().union(*(future.result() for future in traffic)) == {200}
    assert_pages_answer(port)


@pytest.mark.postgres
@pytest.mark.redis
def test_behind_the_documented_nginx_oversized_headers_are_refused(behind_nginx):
    port = behind_nginx.port
    big_header = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n"
    status = status_line(raw_exchange(port, big_header))
    assert re.match(r"HTTP/1.1 4\d\d", status), status
    cookie = {"Cookie": "prefs=" + "p" * 4096}
    assert answers(port, "/", cookie) == 200


@pytest.mark.postgres
@pytest.mark.redis
def test_behind_the_documented_nginx_slow_uploads_hold_no_server_thread(behind_nginx):
    """The web server has no body timeout (docs/security.md); nginx reads bodies in full first."""
    port = behind_nginx.port
    head = (
        b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n"
        # With a CSRF cookie, Django reads the body (without one it refuses before reading).
        b"Cookie: csrftoken=" + b"c" * 32 + b"\r\n\r\n"
    )
    slow = []
    try:
        for _ in range(16):  # twice the threads of both workers
            sock = socket.create_connection((HOST, port))
            sock.sendall(
                head + b"csrfmiddlewaretoken=" + b"c" * 32 + b"&login=a"
            )  # and the rest never comes
            slow.append(sock)
        assert_pages_answer(port)
    finally:
        for sock in slow:
            sock.close()


def test_the_documented_web_service_runs_byline_serve():
    """One source of truth: systemd starts the same server command line as `byline run`."""
    unit = documented("ini", "Description=Byline web")
    exec_start = re.search(r"^ExecStart=(.*)$", unit, re.M).group(1).split()
    assert Path(exec_start[0]).name == "byline"
    assert exec_start[1:] == ["serve"]
