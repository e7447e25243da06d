"""Fault test: the real production server (granian via `byline run`) loses its PostgreSQL
database and gets it back, without being restarted.

The app reaches PostgreSQL through a TCP proxy that this test controls, so "the database goes
away" is real (connections reset, new ones refused) without touching the machine's PostgreSQL
service. Runs in its own CI stage (.ci/run stage 4, BYLINE_FAULT_TEST=1); it needs PostgreSQL on
127.0.0.1:5432 (or BYLINE_FAULT_PG, host:port).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from byline.tests.outage import TcpProxy, free_port

pytestmark = pytest.mark.fault

PG_HOST, PG_PORT = os.environ.get("BYLINE_FAULT_PG", "127.0.0.1:5432").rsplit(":", 1)


def get(port: int, path: str) -> tuple[int, http.client.HTTPMessage, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


@pytest.fixture
def database():
    import psycopg

    name = f"byline_fault_{os.getpid()}"
    admin = f"host={PG_HOST} port={PG_PORT} user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def proxy():
    proxy = TcpProxy((PG_HOST, int(PG_PORT)))
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture
def app_server(database, proxy, tmp_path):
    """`byline run --no-demo` (migrate, collectstatic, granian) against the proxied database."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BYLINE_", "DATABASE_", "REDIS_", "DJANGO_"))
    } | {
        "DJANGO_SETTINGS_MODULE": "byline.settings.base",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{proxy.port}/{database}",
        "BYLINE_DATA_DIR": str(tmp_path / "data"),
        "BYLINE_WORKERS": "1",
        "BYLINE_THREADS": "4",
        "BYLINE_DB_CONNECT_TIMEOUT": "3",
        "PORT": str(port),
    }
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "byline", "run", "--no-demo"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # granian's workers share this process group
    )
    deadline = time.monotonic() + 180
    while True:
        try:
            if get(port, "/healthz")[0] == 200:
                break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            log.close()
            pytest.fail(f"the server did not start:\n{(tmp_path / 'server.log').read_text()}")
        time.sleep(0.2)  # waiting for start-up, not timing anything
    yield server, port, tmp_path / "server.log"
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    log.close()


def test_the_site_and_the_api_answer_503_while_the_database_is_down_and_recover_by_themselves(
    app_server, proxy
):
    server, port, log = app_server

    # 1. Healthy: pages and readiness (several requests, so every server thread has a
    #    persistent connection that the outage will break).
    for _ in range(6):
        assert get(port, "/")[0] == 200
    status, _, body = get(port, "/readyz")
    assert (status, json.loads(body)["status"]) == (200, "ok")

    # 2. The database goes away.
    proxy.cut()
    for _ in range(6):
        status, headers, body = get(port, "/")
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert "back in a moment" in body
        assert "Traceback" not in body
        assert "OperationalError" not in body
    # The API answers in its own format, with the same Retry-After.
    for path in ("/api/v1/stories", "/api/v1/search?q=river", "/api/v1/communities"):
        status, headers, body = get(port, path)
        assert status == 503, (path, body[:300])
        assert headers["Content-Type"].startswith("application/json")
        assert headers["Retry-After"] == "30"
        error = json.loads(body)
        assert error["code"] == "unavailable"
        assert set(error) <= {"detail", "code", "field"}
        assert "Traceback" not in body and str(proxy.port) not in body
    status, headers, body = get(port, "/readyz")
    assert status == 503
    assert json.loads(body)["reason"] == "database unreachable"
    assert headers["Content-Type"] == "application/json"
    # The process itself is fine: orchestrators must not restart it for a database outage.
    assert get(port, "/healthz")[:1] == (200,)

    # 3. The database is back: the same server process serves pages again.
    proxy.restore()
    for _ in range(6):
        assert get(port, "/")[0] == 200
    status, _, body = get(port, "/api/v1/stories")
    assert (status, json.loads(body)["items"]) == (200, [])
    status, _, body = get(port, "/readyz")
    assert (status, json.loads(body)["status"]) == (200, "ok")
    assert server.poll() is None  # never restarted

    # Every request was logged as one JSON line, the outage included.
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("logger") == "byline.request"]
    assert [line["status"] for line in requests if line["path"] == "/"] == [200] * 6 + [503] * 6 + [
        200
    ] * 6
    assert all({"method", "duration_ms", "user_id"} <= set(line) for line in requests)
    assert Path(log).exists()
