"""Tasks used only by the tests of the task machinery (outbox, running after the response)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from django_tasks import task

runs: list = []
_lock = threading.Lock()


@task()
def record(*, value) -> None:
    """Note that it ran, with what."""
    with _lock:
        runs.append(value)


@task()
def fail(*, value) -> None:
    raise RuntimeError(f"this task fails on purpose ({value})")


@task()
def wait_for_go(*, folder: str) -> None:
    """Wait until the test says go (a file appears), then say done: the test can tell whether
    its HTTP response arrived before this task ended, by the order of events alone."""
    folder_path = Path(folder)
    (folder_path / "started").touch()
    deadline = time.monotonic() + 60
    while not (folder_path / "go").exists():
        if time.monotonic() > deadline:
            (folder_path / "done").write_text("gave up waiting")
            return
        time.sleep(0.02)
    (folder_path / "done").write_text("after go")


@task()
def chain(*, value) -> None:
    """Record, then enqueue another task (which must run too)."""
    record.func(value=value)
    record.enqueue(value=f"chained after {value}")
