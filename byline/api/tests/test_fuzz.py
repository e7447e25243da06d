"""Schemathesis against the live schema: every operation, bounded examples, with a valid write
token and real rows to find. No input may produce a server error or a response that breaks the
schema. BYLINE_FUZZ_EXAMPLES raises the number of examples per operation (CI: docs/testing.md)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from byline.api.tests.conftest import make_token
from byline.comments.services import comment_create
from byline.conftest import make_story

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("BYLINE_FUZZ_EXAMPLES", "3"))


# The schema is read from the app itself, through WSGI (the openapi view touches no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def _keep_the_test_connection():
    """As Django's test client does: a request must not close the test's database connection
    (the WSGI handler would, and on PostgreSQL the test transaction would go with it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(alice, bob, community, settings, _keep_the_test_connection):
    """Rows the generated ids and slugs can hit, and a write token for an author."""
    settings.API_RATE_PER_ADDRESS = settings.API_RATE_PER_TOKEN = 10**9
    stories = [
        make_story(alice, title="Fuzz published", community=community, tags=["Fuzz"]),
        make_story(alice, title="Fuzz draft", status="draft"),
        make_story(bob, title="Fuzz submitted", status="submitted"),
    ]
    comment_create(story=stories[0], author=bob, body="A comment")
    return {"token": make_token(alice), "story_ids": [story.pk for story in stories]}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_breaks_the_api(case, fuzz_world):
    if "story_id" in (case.path_parameters or {}) and case.path_parameters["story_id"] in (1, 2, 3):
        # Point some generated ids at real rows so the deeper code paths run too.
        case.path_parameters["story_id"] = fuzz_world["story_ids"][
            case.path_parameters["story_id"] - 1
        ]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_world['token']}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
