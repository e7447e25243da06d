"""While the database is unreachable, the API answers 503 in its own error format with
Retry-After (as the site's pages answer the 503 page), never a 500 or an HTML page.

The outage here is every query failing as psycopg and sqlite3 fail when the server is gone
(an OperationalError from the driver); byline/tests/test_fault_database_outage.py cuts a real
PostgreSQL connection under the production server."""

from __future__ import annotations

import contextlib
import json

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory

from byline.core import health

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def database_down():
    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    with connection.execute_wrapper(refuse):
        yield


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == "30"
    body = json.loads(response.content)
    assert body["code"] == "unavailable"
    assert "try again" in body["detail"].lower()
    assert "5432" not in response.content.decode()  # no detail of the outage leaks
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("get", "/stories", None),
        ("get", "/stories/1", None),
        ("get", "/search?q=river", None),
        ("get", "/me", None),
        ("post", "/stories", {"title": "Lost?", "body": "No."}),
        ("patch", "/stories/1", {"body": "Edited"}),
        ("delete", "/stories/1", None),
    ],
)
def test_every_endpoint_answers_503_json_while_the_database_is_down(
    api, alice, story, method, path, body
):
    from byline.api.tests.conftest import make_token

    token = make_token(alice)
    path = path.replace("/1", f"/{story.pk}")
    with database_down():
        if body is None:
            response = api.call(method, path, token=token)
        else:
            response = api.call(method, path, token=token, json_body=body)
    assert_unavailable(response)


def test_anonymous_reads_answer_503_json_too(api, story):
    with database_down():
        assert_unavailable(api.get("/stories"))
        assert_unavailable(api.get(f"/stories/{story.pk}"))


def test_an_outage_outside_the_api_views_answers_in_the_api_format_under_api():
    # Anything that fails before the API's own handlers (middleware, throttles) reaches the
    # site's handler500, which answers in the API's format for API addresses.
    request = RequestFactory().get("/api/v1/stories")
    try:
        raise OperationalError("the server closed the connection unexpectedly")
    except OperationalError:
        response = health.server_error(request)
    assert_unavailable(response)
    page_request = RequestFactory().get("/explore/")
    try:
        raise OperationalError("the server closed the connection unexpectedly")
    except OperationalError:
        page = health.server_error(page_request)
    assert page.status_code == 503
    assert page["Content-Type"].startswith("text/html")


def test_a_bug_outside_the_api_views_answers_500_in_the_api_format_under_api():
    request = RequestFactory().get("/api/v1/stories")
    try:
        raise KeyError("a bug")
    except KeyError:
        response = health.server_error(request)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["code"] == "server_error"


def test_the_site_pages_keep_their_503_page(client, story):
    client.raise_request_exception = False  # answer as the server would
    with database_down():
        response = client.get("/explore/")
    assert response.status_code == 503
    assert "back in a moment" in response.content.decode()
