"""Real outages for tests: a TCP proxy a test cuts and restores, and a throwaway Redis server.

Never the machine's Redis: each `RedisServer` is its own `redis-server` process on a free port,
with nothing saved to disk, that the site reaches through a `TcpProxy`. Cutting the proxy is a
real outage for the site (connections reset, new ones refused) while Redis keeps its data, as
after a network partition or a restart of a Redis that persists; stopping the process loses it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import threading
import time

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TcpProxy:
    """A TCP proxy (to PostgreSQL, Redis...) that can cut every connection and refuse new ones
    (`cut`), then accept them again (`restore`), on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)

    async def _pipe(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader, client_writer) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        self.writers |= {client_writer, server_writer}
        await asyncio.gather(
            self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer)
        )
        self.writers -= {client_writer, server_writer}

    async def _start(self) -> None:
        self.server = await asyncio.start_server(
            self._handle, "127.0.0.1", self.port, reuse_address=True
        )

    async def _cut(self) -> None:
        self.server.close()
        for writer in list(self.writers):
            writer.transport.abort()  # a reset, as when a database server dies
        self.writers.clear()
        await self.server.wait_closed()

    def start(self) -> None:
        self._call(self._start())

    restore = start

    def cut(self) -> None:
        self._call(self._cut())

    def stop(self) -> None:
        if self.server is not None and self.server.is_serving():
            self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)


class RedisServer:
    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)  # waiting for start-up, not timing anything

    def stop(self) -> None:
        """The outage: the server process ends; new connections are refused."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class RedisOutage:
    """The site's Redis as a test controls it: `stop()` cuts every connection and refuses new
    ones, `start()` lets them through again (the data is kept)."""

    def __init__(self, server: RedisServer, proxy: TcpProxy) -> None:
        self.server, self.proxy = server, proxy
        self.up = True

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.proxy.port}/0"

    def stop(self) -> None:
        if self.up:
            self.proxy.cut()
            self.up = False

    def start(self) -> None:
        if not self.up:
            self.proxy.restore()
            self.up = True


@pytest.fixture
def redis_server():
    """A Redis server of this test's own behind a proxy it can cut (skipped without
    `redis-server`, failed when BYLINE_REQUIRE_SERVICES asks for every service)."""
    server = RedisServer()
    if server.binary is None:
        if os.environ.get("BYLINE_REQUIRE_SERVICES"):
            pytest.fail("BYLINE_REQUIRE_SERVICES is set but redis-server is not installed")
        pytest.skip("needs redis-server")
    server.start()
    proxy = TcpProxy(("127.0.0.1", server.port))
    proxy.start()
    yield RedisOutage(server, proxy)
    proxy.stop()
    server.stop()


@pytest.fixture
def site_on_redis(redis_server, settings, monkeypatch):
    """The site configured as on the scale path, with Redis being `redis_server`: the cache
    (rate limits, sessions on cached_db), the rq task queue and the page-cache versions."""
    from byline.core import cache as resilient_cache
    from byline.core import outbox, pagecache

    settings.REDIS_URL = redis_server.url
    settings.CACHES = {
        "default": {
            "BACKEND": "byline.core.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "byline-outage-test",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.RQ_QUEUES = {"default": {"URL": redis_server.url, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS_BACKEND = "rq"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    versions = pagecache.RedisVersions(redis_server.url, "byline-outage-test", 0)
    monkeypatch.setattr(pagecache.store, "versions", versions)
    # No waiting between tries in tests: each call after an outage ends tries Redis again.
    monkeypatch.setattr(resilient_cache, "RETRY_SECONDS", 0.0)
    monkeypatch.setattr(outbox, "QUEUE_RETRY_SECONDS", 0.0)
    resilient_cache.reset_health()
    yield redis_server
    resilient_cache.reset_health()


def run_rq_worker_here() -> None:
    """Run what is queued on the test's Redis with rq's worker in this process (the SQLite test
    database lives in this process's memory, where a forked or separate worker cannot see it)."""
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue("default", job_class=Job)
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
