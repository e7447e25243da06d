"""Real servers for tests: the production server (granian, started by `byline run` or
`byline serve`) and nginx, each a subprocess on a free loopback port, stopped by its process
group when the test ends. Nothing here listens on or talks to anything but 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

HOST = "127.0.0.1"
# Long enough that no healthy answer comes near it, short next to the 30-60 s a request waits
# when the server holds no free connection slot: a failure, not a timing measurement.
ANSWER_TIMEOUT = 5
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(data_dir: Path, port: int, **variables: str) -> dict[str, str]:
    """The process environment less every Byline/Django/database variable of the test run,
    plus the embedded default's essentials; `variables` add or override."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BYLINE_", "DATABASE_", "REDIS_", "DJANGO_", "GRANIAN_"))
        and key != "PORT"
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "byline.settings.base",
        "BYLINE_DATA_DIR": str(data_dir),
        "BYLINE_DEMO": "off",
        "PORT": str(port),
        **variables,
    }


def byline(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "byline", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"byline {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def get(port: int, path: str, headers: dict | None = None, timeout: float = ANSWER_TIMEOUT):
    """(status, headers, body) of one request on a fresh connection."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def answers(port: int, path: str, headers: dict | None = None) -> int:
    """The status of GET `path`; fails the test if nothing answers within ANSWER_TIMEOUT."""
    started = time.monotonic()
    try:
        return get(port, path, headers)[0]
    except (TimeoutError, OSError) as error:
        pytest.fail(
            f"GET {path} on port {port}: no answer after {time.monotonic() - started:.1f} s "
            f"({type(error).__name__}: {error})"
        )


def raw_exchange(port: int, data: bytes, timeout: float = ANSWER_TIMEOUT) -> bytes:
    """Send raw bytes, return what the server answers until it closes or goes quiet."""
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        with contextlib.suppress(OSError):  # the server may close while we still send
            sock.sendall(data)
        received = b""
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            while chunk := sock.recv(65536):
                received += chunk
        return received


def read_response(sock: socket.socket) -> bytes:
    """One whole response (headers and a Content-Length body) from a kept-alive connection."""
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(65536)
        if not chunk:
            return received
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    while length and len(body) < int(length.group(1)):
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def status_line(answer: bytes) -> str:
    return answer.split(b"\r\n", 1)[0].decode("latin-1")


def allow_open_files(count: int) -> None:
    """Raise this process's soft limit of open files so it can hold `count` sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count + 256
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.fail(f"this test needs {wanted} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


@contextlib.contextmanager
def idle_connections(port: int, count: int, *, kept_alive: int = 0) -> Iterator[list]:
    """`count` open TCP connections that send nothing, plus `kept_alive` that made one request
    and keep the connection open afterwards, as a browser does. Closed on exit."""
    allow_open_files(count + kept_alive)
    sockets: list[socket.socket] = []
    try:
        for number in range(1, kept_alive + 1):
            sock = socket.create_connection((HOST, port), timeout=ANSWER_TIMEOUT)
            sockets.append(sock)
            sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
            try:
                assert read_response(sock).startswith(b"HTTP/1.1 200")
            except TimeoutError:
                pytest.fail(
                    f"visitor {number} got no answer within {ANSWER_TIMEOUT} s while "
                    f"{number - 1} kept-alive connections sat idle"
                )
        for _ in range(count):
            sockets.append(socket.create_connection((HOST, port), timeout=ANSWER_TIMEOUT))
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


class Server:
    """A subprocess in its own session, with its output in a log file."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path, port: int) -> None:
        self.port = port
        self.log_path = log
        self._log = log.open("w")
        self.process = subprocess.Popen(
            argv,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers share this process group
        )

    def wait_until_answering(self, path: str = "/healthz", timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError):
                if get(self.port, path, timeout=10)[0] == 200:
                    return
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"the server did not start:\n{self.log_path.read_text()}")
            time.sleep(0.2)  # waiting for start-up, not timing anything

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


def start_byline(command: list[str], env: dict[str, str], log: Path) -> Server:
    server = Server([sys.executable, "-m", "byline", *command], env, log, int(env["PORT"]))
    server.wait_until_answering()
    return server


def start_nginx(site_config: str, folder: Path, port: int) -> Server:
    """nginx as an unprivileged instance in `folder`, serving `site_config` (server and
    upstream blocks) on `port`."""
    folder.mkdir(parents=True, exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(f"""
{user}
daemon off;
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {folder}/spool; proxy_temp_path {folder}/spool;
  fastcgi_temp_path {folder}/spool; uwsgi_temp_path {folder}/spool; scgi_temp_path {folder}/spool;
{site_config}
}}
""")
    argv = [NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)]
    check = subprocess.run([*argv, "-t"], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, f"nginx refused the configuration:\n{check.stderr}"
    server = Server(argv, dict(os.environ), folder / "nginx.log", port)
    deadline = time.monotonic() + 30
    while True:
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
            return server
        if server.process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            pytest.fail(f"nginx did not start:\n{(folder / 'error.log').read_text()}")
        time.sleep(0.1)  # waiting for start-up, not timing anything
