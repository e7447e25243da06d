"""`make bench`: Byline's performance benchmark. See docs/benchmarks.md.

For each data size it generates (or reuses) benchmark data in its own folder, starts the
production server (granian, the same command line as `byline run`) and nginx serving the same
story page as a static file, runs wrk against every target, then measures writes, memory and page
weight, and writes a Markdown report to bench/results/<date>.md.

Everything listens on 127.0.0.1 only; every process started is stopped by its PID, also on Ctrl-C
or failure. Environment (all optional):

BENCH_SIZES        story counts, comma-separated             10000,1000000
BENCH_COMMENTS     comments per story                        5
BENCH_DURATION     seconds per wrk run                       15
BENCH_WARMUP       seconds of warm-up per target             3
BENCH_RUNS         measured runs per read target             3
BENCH_CONNECTIONS  wrk connections (-c); threads are -t1     32
BENCH_BACKEND      sqlite | postgres (PostgreSQL + Redis)    sqlite
BENCH_DATABASE_URL for postgres: URL with {size} in the name postgres://postgres@127.0.0.1:5432/byline_bench_{size}
BENCH_REDIS_URL    for postgres                              redis://127.0.0.1:6379/6
BENCH_PORT / BENCH_NGINX_PORT                                8106 / 18106
BENCH_DATA         folder for data                           bench/data
BENCH_PATH_HOME, _EXPLORE, _SEARCH, _FEED  read targets      /, /explore/, /search/?q=river,
                                                             /feeds/latest.rss
BENCH_COMMENT_URL / BENCH_INSIGHT_URL  write targets         /__bench__/comment, /__bench__/insight
BENCH_LIGHTHOUSE   1 to run Lighthouse (npx, Debian Chromium) 0
BENCH_IDLE         idle connections held open while normal     500
                   requests are measured (0: skip)
BENCH_IDLE_CLIENTS wrk connections making those requests       4
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import json
import os
import re
import resource
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


def env(name: str, default: str) -> str:
    return os.environ.get(name, default)


SIZES = [int(s) for s in env("BENCH_SIZES", "10000,1000000").split(",") if s.strip()]
COMMENTS_PER_STORY = float(env("BENCH_COMMENTS", "5"))
DURATION = int(env("BENCH_DURATION", "15"))
WARMUP = int(env("BENCH_WARMUP", "3"))
RUNS = int(env("BENCH_RUNS", "3"))
CONNECTIONS = int(env("BENCH_CONNECTIONS", "32"))
BACKEND = env("BENCH_BACKEND", "sqlite")
PORT = int(env("BENCH_PORT", "8106"))
NGINX_PORT = int(env("BENCH_NGINX_PORT", "18106"))
DATA = Path(env("BENCH_DATA", str(ROOT / "bench" / "data")))
WORKERS = 2
IDLE = int(env("BENCH_IDLE", "500"))
IDLE_CLIENTS = int(env("BENCH_IDLE_CLIENTS", "4"))

_started: list[subprocess.Popen] = []


# --- Processes ------------------------------------------------------------------------------


def start(argv: list[str], **kwargs) -> subprocess.Popen:
    process = subprocess.Popen(argv, start_new_session=True, **kwargs)
    _started.append(process)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # Its own session (start_new_session): the group is this process and its workers.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    if process in _started:
        _started.remove(process)


def stop_all(*_args) -> None:
    for process in list(_started):
        with contextlib.suppress(Exception):
            stop(process)
    if _args:  # called as a signal handler
        raise SystemExit(130)


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {HOST}:{port} after {timeout:.0f} s")


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((HOST, port)) != 0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, RssAnon) in MB: all resident memory, and the part that is the process's own
    (without shared, file-backed pages such as SQLite's memory-mapped database)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon"):
            fields[name] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("RssAnon", 0.0)


def ensure_tools() -> None:
    missing = [tool for tool in ("wrk", "nginx") if not shutil.which(tool)]
    if missing:
        print(f"Installing {' '.join(missing)} with apt-get ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True, timeout=600)


# --- wrk ------------------------------------------------------------------------------------


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers (a "database is locked" would be a 500)
    socket_errors: str = ""  # connect/read/write/timeout, as wrk counts them


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(
    url: str,
    seconds: int,
    *,
    headers: dict | None = None,
    script: str | None = None,
    connections: int = CONNECTIONS,
) -> Run:
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    if script:
        argv += ["-s", script]
    out = subprocess.run(
        [*argv, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(g) for g in match.groups())
    return Run(rps, p50, p99, requests, errors)


@dataclass
class Result:
    name: str
    url: str
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    @property
    def rps(self) -> float:
        return statistics.median(r.rps for r in self.runs) if self.runs else 0

    @property
    def p50(self) -> float:
        return statistics.median(r.p50_ms for r in self.runs) if self.runs else 0

    @property
    def p99(self) -> float:
        return statistics.median(r.p99_ms for r in self.runs) if self.runs else 0

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.runs)

    @property
    def notes(self) -> str:
        return "; ".join([self.note] + [r.socket_errors for r in self.runs if r.socket_errors])


def fetch(url: str, headers: dict | None = None, timeout: float = 60) -> tuple[int, bytes, dict]:
    """(status, body, headers); status 0 when nothing answered within `timeout`."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - only http://127.0.0.1 URLs
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - 127.0.0.1
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)
    except (TimeoutError, urllib.error.URLError, ConnectionError):
        return 0, b"", {}


def read_target(
    name: str, url: str, headers: dict | None = None, connections: int = CONNECTIONS
) -> Result:
    result = Result(name, url)
    # A generous first request: the previous target may have left slow requests queued.
    status, _body, _headers = fetch(url, headers, timeout=180)
    if status != 200:
        result.note = (
            "no answer within 180 s" if status == 0 else f"HTTP {status}: not available here"
        )
        print(f"  {name:<28} skipped ({result.note})", flush=True)
        return result
    wrk(url, WARMUP, headers=headers, connections=connections)
    for _ in range(RUNS):
        result.runs.append(wrk(url, DURATION, headers=headers, connections=connections))
    print(
        f"  {name:<28} {result.rps:>10,.0f} req/s  p50 {result.p50:7.2f} ms  "
        f"p99 {result.p99:7.2f} ms  errors {result.errors}",
        flush=True,
    )
    return result


def write_target(name: str, url: str, headers: dict) -> Result:
    script = Path(tempfile.mkstemp(suffix=".lua", prefix="bench-")[1])
    lines = ['wrk.method = "POST"', 'wrk.body = ""']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    script.write_text("\n".join(lines) + "\n")
    result = Result(name, url)
    try:
        result.runs.append(wrk(url, DURATION, script=str(script)))
    finally:
        script.unlink()
    print(
        f"  {name:<28} {result.rps:>10,.0f} req/s  p50 {result.p50:7.2f} ms  "
        f"p99 {result.p99:7.2f} ms  errors {result.errors}",
        flush=True,
    )
    return result


def beacon_target(url: str, story_id: int) -> Result:
    """Read beacons from anonymous readers, each with its own page-load id (all count)."""
    script = Path(tempfile.mkstemp(suffix=".lua", prefix="bench-")[1])
    script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        'wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) bench"\n'
        "math.randomseed(os.time())\n"
        "request = function()\n"
        '  local id = string.format("%08x%08x%08x%08x", math.random(0, 0x7fffffff),\n'
        "    math.random(0, 0x7fffffff), math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))\n"
        f'  return wrk.format(nil, nil, nil, "story={story_id}&event=read&load=" .. id)\n'
        "end\n"
    )
    result = Result("read beacon (anonymous)", url)
    try:
        result.runs.append(wrk(url, DURATION, script=str(script)))
    finally:
        script.unlink()
    print(
        f"  {result.name:<28} {result.rps:>10,.0f} req/s  p50 {result.p50:7.2f} ms  "
        f"p99 {result.p99:7.2f} ms  errors {result.errors}",
        flush=True,
    )
    return result


class IdleConnections:
    """`count` TCP connections to the server that send nothing, held open in a thread: one the
    server closes (its header timeout) is opened again at once, as an attacker or a crowd of
    idle browsers would. Bounded: stops when the `with` block ends."""

    def __init__(self, port: int, count: int) -> None:
        self.port, self.count = port, count
        self.reopened = 0
        self._stop = threading.Event()
        self._selector = selectors.DefaultSelector()
        self._thread = threading.Thread(target=self._hold, daemon=True)

    def _open(self) -> None:
        sock = socket.create_connection((HOST, self.port), timeout=5)
        sock.setblocking(False)
        self._selector.register(sock, selectors.EVENT_READ)

    def _hold(self) -> None:
        while not self._stop.is_set():
            for key, _events in self._selector.select(timeout=0.2):
                try:
                    data = key.fileobj.recv(4096)
                except OSError:
                    data = b""
                if not data:  # closed by the server: open another
                    self._selector.unregister(key.fileobj)
                    key.fileobj.close()
                    self.reopened += 1
                    with contextlib.suppress(OSError):
                        self._open()

    def __enter__(self) -> IdleConnections:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < self.count + 256:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, self.count + 256), hard))
        for _ in range(self.count):
            self._open()
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for key in list(self._selector.get_map().values()):
            key.fileobj.close()
        self._selector.close()


def idle_targets(base: str, story: str) -> list[Result]:
    """Normal requests from a few clients, without and then with IDLE connections held open."""
    if IDLE <= 0:
        return []
    port = int(base.rsplit(":", 1)[1])
    results = []
    for name, url in [("/healthz", base + "/healthz"), ("anonymous story page", story)]:
        results.append(read_target(f"{name}, no idle connection", url, None, IDLE_CLIENTS))
        with IdleConnections(port, IDLE) as idle:
            result = read_target(f"{name}, {IDLE} idle connections", url, None, IDLE_CLIENTS)
        result.note = f"{idle.reopened} idle connections closed by the server and reopened"
        results.append(result)
    return results


# --- One data size --------------------------------------------------------------------------


def byline_env(size: int) -> dict:
    folder = DATA / f"{BACKEND}-{size}"
    environment = {
        **os.environ,
        "BYLINE_DATA_DIR": str(folder),
        "BYLINE_DEMO": "off",
        "BYLINE_ALLOWED_HOSTS": HOST,
        "PYTHONPATH": str(ROOT),
        "PORT": str(PORT),
        # The write benchmark measures what a comment costs (the limit checks included), not
        # the spam brake: its 32 writers post far faster than people, so the per-minute limit
        # would refuse most of them.
        "BYLINE_COMMENT_RATE_PER_MINUTE": "1000000",
        # Likewise the read beacon's per-address limit: every sender here is one address.
        "BYLINE_READS_PER_MINUTE": "100000000",
        "BYLINE_HOST": HOST,
        "BYLINE_WORKERS": str(WORKERS),
    }
    environment.pop("DATABASE_URL", None)
    environment.pop("REDIS_URL", None)
    if BACKEND == "postgres":
        environment["DATABASE_URL"] = env(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/byline_bench_{size}"
        ).format(size=size)
        environment["REDIS_URL"] = env("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
    return environment


def byline(args: list[str], environment: dict, timeout: float = 3600) -> str:
    return subprocess.run(
        [str(BIN / "byline"), *args],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    ).stdout


def ensure_database(environment: dict) -> None:
    if BACKEND != "postgres":
        return
    url = environment["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def page_weight(base: str, story: str) -> tuple[int, list[str]]:
    """Gzipped bytes of the story page's HTML + CSS + JS; any third-party resources."""
    _status, html, _headers = fetch(base + story)
    total = len(gzip.compress(html, 6))
    third_party = []
    text = html.decode()
    for tag in re.findall(r"<(?:link|script)\b[^>]*>", text):
        match = re.search(r'(?:href|src)="([^"]+)"', tag)
        if not match or ("stylesheet" not in tag and "<script" not in tag):
            continue
        url = match.group(1)
        if url.startswith(("http://", "https://", "//")):
            third_party.append(url)
            continue
        _s, body, _h = fetch(base + url)
        total += len(gzip.compress(body, 6))
    return total, third_party


def lighthouse(url: str) -> str:
    if env("BENCH_LIGHTHOUSE", "0") != "1":
        return "not run (set BENCH_LIGHTHOUSE=1)"
    npx = shutil.which("npx")
    if not npx:
        return "not run: npx is not installed"
    out = Path(tempfile.mkdtemp(prefix="bench-lh-")) / "report.json"
    try:
        subprocess.run(
            [npx, "--yes", "lighthouse", url, "--only-categories=performance",
             "--output=json", f"--output-path={out}", "--quiet",
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
            env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
            check=True, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        score = json.loads(out.read_text())["categories"]["performance"]["score"]
        return f"{round(score * 100)} (mobile preset)"
    except subprocess.CalledProcessError as error:
        said = (error.stderr or error.stdout or "").strip().splitlines()
        return f"could not run: lighthouse exited {error.returncode}: {' / '.join(said[-3:])[:300]}"
    except Exception as error:
        return f"could not run: {type(error).__name__}: {str(error)[:200]}"


def bench_size(size: int) -> dict:
    environment = byline_env(size)
    ensure_database(environment)
    folder = Path(environment["BYLINE_DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\n== {size:,} stories ({BACKEND}) — data in {folder}", flush=True)
    started = time.monotonic()
    byline(["migrate", "-v0"], environment)
    comments = str(int(size * COMMENTS_PER_STORY))
    generated = byline(["bench-data", "--stories", str(size), "--comments", comments], environment)
    print(generated.strip(), flush=True)
    generation = time.monotonic() - started
    info = json.loads(byline(["bench-data", "--info"], environment))
    byline(["run", "--no-demo", "--prepare-only"], environment)

    if not port_is_free(PORT):
        raise RuntimeError(f"{HOST}:{PORT} is taken: set BENCH_PORT")
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed below
    # The production server exactly as systemd starts it (`byline serve`, which execs granian),
    # serving the benchmark's wrapper around Byline's WSGI application.
    argv = [str(BIN / "byline"), "serve", "--app", "bench.app:application"]
    servers: list[subprocess.Popen] = []

    def start_server() -> subprocess.Popen:
        server = start(argv, env=environment, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        servers.append(server)
        wait_for_port(PORT, server)
        return server

    nginx = None
    try:
        server = start_server()
        base = f"http://{HOST}:{PORT}"
        story = base + info["story"]
        signed_in = {"Cookie": f"sessionid={info['session']}"}
        creator = {"Cookie": f"sessionid={info['creator_session']}"}
        _s, page, _h = fetch(story)
        nginx, static_url = start_nginx(page)
        results = []
        targets = [
            ("nginx: same page, static", static_url, None),
            ("anonymous story page", story, None),
            ("signed-in story page", story, signed_in),
            ("home", base + env("BENCH_PATH_HOME", "/"), None),
            ("explore", base + env("BENCH_PATH_EXPLORE", "/explore/"), None),
            ("community", base + info["community"], None),
            ("tag", base + info["tag"], None),
            ("search", base + env("BENCH_PATH_SEARCH", "/search/?q=river"), None),
            ("feed", base + env("BENCH_PATH_FEED", "/feeds/latest.rss"), None),
            ("stats dashboard (creator)", base + "/me/stats/?period=90", creator),
            ("stats: one story (creator)", f"{base}/me/stats/{info['creator_story']}/", creator),
        ]
        for name, url, headers in targets:
            result = read_target(name, url, headers)
            results.append(result)
            if result.runs and (result.rps == 0 or any(r.socket_errors for r in result.runs)):
                # Requests wrk gave up on are still queued in the workers and would be measured
                # as the next target's latency: start the next target on a fresh server.
                result.note = "server restarted after this target"
                stop(server)
                server = start_server()
        idle = idle_targets(base, story)
        before = int(fetch(base + "/__bench__/count", timeout=300)[1] or 0)
        comment = write_target(
            "write: comment", base + env("BENCH_COMMENT_URL", "/__bench__/comment"), signed_in
        )
        after = int(fetch(base + "/__bench__/count", timeout=300)[1] or 0)
        insight = write_target(
            "write: insight (toggle)",
            base + env("BENCH_INSIGHT_URL", "/__bench__/insight"),
            signed_in,
        )
        written_ok = comment.runs[0].requests - comment.runs[0].errors
        comment.note = (
            f"{after - before} rows for {written_ok} answered 2xx "
            f"(up to {CONNECTIONS} more may be in flight when wrk stops)"
        )
        workers = children(server.pid)
        memory = [rss_mb(pid) for pid in workers]
        weight, third_party = page_weight(base, info["story"])
        beacon = beacon_target(base + "/stats/read", info["story_id"])
        # Stopping the server makes each worker flush what it counted (stats' exit hook).
        stop(server)
        counted = json.loads(byline(["bench-data", "--info"], environment))["showcase_reads"]
        answered = beacon.runs[0].requests - beacon.runs[0].errors if beacon.runs else 0
        beacon.note = (
            f"{counted - info['showcase_reads']} reads counted for {answered} answered 204 "
            f"(up to {CONNECTIONS} more may be in flight when wrk stops)"
        )
        return {
            "size": size,
            "generation_s": generation,
            "results": [*results, comment, insight, beacon],
            "idle": idle,
            "memory": memory,
            "page_weight": weight,
            "third_party": third_party,
            "lighthouse": lighthouse(story),
            "stories": info["stories"],
            "comments": info["comments"],
        }
    finally:
        for server in servers:
            stop(server)
        if nginx:
            stop(nginx)
        log.close()


def start_nginx(page: bytes) -> tuple[subprocess.Popen, str]:
    root = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    (root / "www").mkdir()
    (root / "www" / "story.html").write_bytes(page)
    os.chmod(root, 0o755)  # noqa: S103 - nginx workers must read the page
    os.chmod(root / "www", 0o755)  # noqa: S103
    user = "user root;" if os.geteuid() == 0 else ""
    (root / "nginx.conf").write_text(f"""
{user}
daemon off;
worker_processes {WORKERS};
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path {root}/spool; proxy_temp_path {root}/spool; fastcgi_temp_path {root}/spool;
  uwsgi_temp_path {root}/spool; scgi_temp_path {root}/spool;
  server {{
    listen {HOST}:{NGINX_PORT};
    root {root}/www;
    location / {{ default_type text/html; }}
  }}
}}
""")
    if not port_is_free(NGINX_PORT):
        raise RuntimeError(f"{HOST}:{NGINX_PORT} is taken: set BENCH_NGINX_PORT")
    process = start(["nginx", "-c", str(root / "nginx.conf"), "-p", str(root)])
    wait_for_port(NGINX_PORT, process)
    return process, f"http://{HOST}:{NGINX_PORT}/story.html"


# --- Report ---------------------------------------------------------------------------------


def report(sizes: list[dict]) -> str:
    first, last = sizes[0], sizes[-1]
    lines = [
        f"# Benchmark {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Back-end: **{BACKEND}**{' + Redis' if BACKEND == 'postgres' else ''}; granian "
        f"{WORKERS} workers; wrk -t1 -c{CONNECTIONS}, {RUNS} runs of {DURATION} s after a "
        f"{WARMUP} s warm-up (writes: one run). Machine: {os.cpu_count()} cores, shared.",
        "",
    ]
    for data in sizes:
        ceiling = data["results"][0].rps or 1  # nginx
        anon = data["results"][1]
        lines += [
            f"## {data['stories']:,} stories, {data['comments']:,} comments "
            f"(generated in {data['generation_s']:.0f} s)",
            "",
            "| target | req/s (median) | p50 ms | p99 ms | share of nginx | non-2xx | note |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for result in data["results"]:
            share = f"{100 * result.rps / ceiling:.1f} %" if result.runs else "–"
            if not result.runs:
                lines.append(f"| {result.name} | – | – | – | – | – | {result.note} |")
                continue
            lines.append(
                f"| {result.name} | {result.rps:,.0f} | {result.p50:.2f} | {result.p99:.2f} | "
                f"{share} | {result.errors} | {result.notes.strip('; ')} |"
            )
        signed = data["results"][2]
        writes = [r for r in data["results"] if r.name.startswith("write") and r.runs]
        lines += [
            "",
            f"- Anonymous story page: **{100 * anon.rps / ceiling:.1f} %** of nginx "
            f"(target 40 % embedded, 50 % production).",
            "- Worker memory after the run: "
            + ", ".join(f"{rss:.0f} MB ({anon:.0f} MB private)" for rss, anon in data["memory"])
            + " resident (target < 120 MB each).",
            f"- Story page weight (HTML + CSS + JS, gzip): **{data['page_weight'] / 1024:.1f} KB**"
            f" (target < 60 KB); third-party resources: {data['third_party'] or 'none'}.",
            f"- Lighthouse performance: {data['lighthouse']}.",
        ]
        for write in writes:
            if signed.runs and signed.p99 > 0:
                lines.append(
                    f"- {write.name}: p99 {write.p99:.1f} ms = {write.p99 / signed.p99:.1f}x the "
                    f"signed-in story page's p99 (target ≤ 5x); {write.errors} errors."
                )
        if data["idle"]:
            lines += [
                "",
                f"Idle connections: {IDLE_CLIENTS} clients (wrk -c{IDLE_CLIENTS}) make normal "
                f"requests while {IDLE} other connections to the same server send nothing "
                "(reopened as the server closes them):",
                "",
                "| target | req/s | p50 ms | p99 ms | non-2xx + socket errors | note |",
                "|---|---:|---:|---:|---:|---|",
            ]
            for result in data["idle"]:
                if not result.runs:
                    lines.append(f"| {result.name} | – | – | – | – | {result.note} |")
                    continue
                lines.append(
                    f"| {result.name} | {result.rps:,.0f} | {result.p50:.2f} | "
                    f"{result.p99:.2f} | {result.errors} | {result.notes.strip('; ')} |"
                )
            lines.append("")
        lines.append("")
    if len(sizes) > 1:
        lines += [
            f"## Time per request at {last['stories']:,} vs {first['stories']:,} stories "
            "(target ≤ 1.5x)",
            "",
            "| target | p50 small | p50 large | ratio (p50) | ratio (1/req/s) |",
            "|---|---:|---:|---:|---:|",
        ]
        for small, large in zip(first["results"], last["results"], strict=True):
            if (
                small.runs
                and large.runs
                and small.p50 > 0
                and large.rps > 0
                and not small.name.startswith("nginx")
            ):
                lines.append(
                    f"| {small.name} | {small.p50:.2f} | {large.p50:.2f} | "
                    f"{large.p50 / small.p50:.2f}x | {small.rps / large.rps:.2f}x |"
                )
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    signal.signal(signal.SIGINT, stop_all)
    signal.signal(signal.SIGTERM, stop_all)
    ensure_tools()
    DATA.mkdir(parents=True, exist_ok=True)
    sizes = []
    try:
        for size in SIZES:
            sizes.append(bench_size(size))
    except Exception as error:
        print(f"\nThe benchmark stopped early: {type(error).__name__}: {error}", flush=True)
    finally:
        stop_all()
    if not sizes:
        return 1
    text = report(sizes)
    out = ROOT / "bench" / "results" / f"{dt.datetime.now(dt.UTC):%Y-%m-%d-%H%M}-{BACKEND}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print("\n" + text + f"\nWritten to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
