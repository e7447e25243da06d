"""The embedded default runs background tasks in the web process: those enqueued while a request
is being answered run once the response has been sent, never inside the request (a slow task,
such as sending mail, must not slow the page down, and a failing one must not break it)."""

from __future__ import annotations

import http.client
import logging
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django_tasks import TaskResultStatus, task_backends

from byline.core.tests import sample_tasks
from byline.tests.outage import free_port


@pytest.fixture(autouse=True)
def _fresh_runs(settings):
    settings.ROOT_URLCONF = "byline.core.tests.after_response_urls"
    sample_tasks.runs.clear()
    yield
    sample_tasks.runs.clear()


def test_the_embedded_default_defers_tasks_to_after_the_response():
    assert settings.TASKS["default"]["BACKEND"] == (
        "byline.core.taskbackends.AfterResponseImmediateBackend"
    )
    assert type(task_backends["default"]).__name__ == "AfterResponseImmediateBackend"


@pytest.mark.django_db
def test_a_task_enqueued_while_answering_runs_after_the_response(client):
    response = client.get("/test-tasks/record")
    assert response.status_code == 200
    assert response.content == b"runs while answering: []"  # not run inside the request
    assert sample_tasks.runs == ["from the view"]  # run when the response was closed


def test_outside_a_request_a_task_runs_at_once():
    result = sample_tasks.record.enqueue(value="from a command")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert sample_tasks.runs == ["from a command"]


@pytest.mark.django_db
def test_a_task_failing_after_the_response_is_logged_and_never_reaches_the_client(client, caplog):
    with caplog.at_level(logging.ERROR, logger="django_tasks"):
        response = client.get("/test-tasks/fail")
    assert response.status_code == 200
    assert response.content == b"answered"
    failures = [r for r in caplog.records if "sample_tasks.fail" in r.getMessage()]
    assert failures and "FAILED" in failures[0].getMessage()
    assert "this task fails on purpose" in caplog.text  # with its traceback


@pytest.mark.django_db
def test_tasks_enqueued_by_a_task_after_the_response_run_too(client):
    assert client.get("/test-tasks/chain").content == b"answered"
    assert sample_tasks.runs == ["the view's task", "chained after the view's task"]


def _get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_the_production_server_sends_the_response_before_a_slow_task_ends(tmp_path):
    """granian (`byline run`) calls the response's close() after sending it: the client has the
    whole response while the task is still waiting for the client's go."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BYLINE_", "DATABASE_", "REDIS_", "DJANGO_"))
    } | {
        "DJANGO_SETTINGS_MODULE": "byline.core.tests.after_response_settings",
        "BYLINE_DATA_DIR": str(tmp_path / "data"),
        "BYLINE_WORKERS": "1",
        "BYLINE_THREADS": "2",
        "PORT": str(port),
    }
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "byline", "run", "--no-demo"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if _get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.close()
                pytest.fail(f"the server did not start:\n{(tmp_path / 'server.log').read_text()}")
            time.sleep(0.2)  # waiting for start-up, not timing anything

        events = tmp_path / "events"
        events.mkdir()
        status, body = _get(port, f"/test-tasks/slow?folder={events}")
        # The whole response is here, and the task has not ended: it waits for "go".
        assert (status, body) == (200, b"answered before the task ends")
        assert not (events / "done").exists()
        (events / "go").touch()
        deadline = time.monotonic() + 60
        while not (events / "done").exists() and time.monotonic() < deadline:
            time.sleep(0.05)  # waiting for the task, not timing it
        assert (events / "started").exists()
        assert (events / "done").read_text() == "after go"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
