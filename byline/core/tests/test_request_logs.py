"""One structured log line per request."""

import json
import logging

import pytest

from byline.core.logs import JsonFormatter


def _request_lines(caplog):
    return [
        json.loads(JsonFormatter().format(record))
        for record in caplog.records
        if record.name == "byline.request"
    ]


@pytest.mark.django_db
def test_each_request_logs_one_json_line_with_its_fields(client, caplog, bob):
    client.force_login(bob)
    with caplog.at_level(logging.INFO, logger="byline.request"):
        client.get("/?after=secret-cursor")
    [line] = _request_lines(caplog)
    assert line["method"] == "GET"
    assert line["path"] == "/"
    assert "secret-cursor" not in json.dumps(line)  # query strings may hold tokens
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0
    assert line["user_id"] == bob.pk
    assert line["level"] == "INFO"
    assert line["logger"] == "byline.request"
    assert line["time"].endswith("+00:00")


@pytest.mark.django_db
def test_anonymous_requests_and_errors_are_logged_too(client, caplog):
    with caplog.at_level(logging.INFO, logger="byline.request"):
        client.get("/no-such-page-here/at-all/")
    [line] = _request_lines(caplog)
    assert line["status"] == 404
    assert line["user_id"] is None


def test_logging_the_user_id_never_loads_the_user(client, caplog):
    # /healthz never looks at request.user, and without a django_db mark any query raises: the
    # log line must not load the session or the user either.
    with caplog.at_level(logging.INFO, logger="byline.request"):
        client.get("/healthz", HTTP_COOKIE="sessionid=abc")
    [line] = _request_lines(caplog)
    assert line["user_id"] is None


def test_the_json_formatter_keeps_exceptions_and_skips_the_request_object():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.getLogger("x").makeRecord(
            "x",
            logging.ERROR,
            __file__,
            1,
            "failed %s",
            ("here",),
            exc_info=True,
            extra={"request": object(), "status_code": 500},
        )
    import sys

    record.exc_info = sys.exc_info() if record.exc_info is True else record.exc_info
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "failed here"
    assert line["status_code"] == 500
    assert "request" not in line
