"""The replica router: reads to replicas, writes to the primary, read-your-writes for the client
that just wrote."""

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from byline.core.db import (
    PIN_COOKIE,
    PrimaryReplicaRouter,
    pin_process_to_primary,
    pinned_to_primary,
)
from byline.core.middleware import PrimaryPinMiddleware
from byline.stories.models import Story

# Router decisions only read settings.DATABASES; the replica aliases here are never connected to.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def replicas(settings):
    primary = settings.DATABASES["default"]
    settings.DATABASES = {
        **settings.DATABASES,
        "replica1": {**primary, "TEST": {"MIRROR": "default"}},
        "replica2": {**primary, "TEST": {"MIRROR": "default"}},
    }
    return ["replica1", "replica2"]


router = PrimaryReplicaRouter()


def test_without_replicas_everything_goes_to_the_primary():
    assert router.db_for_read(Story) == "default"
    assert router.db_for_write(Story) == "default"


def test_reads_go_to_the_replicas_and_writes_to_the_primary(replicas):
    chosen = {router.db_for_read(Story) for _ in range(200)}
    assert chosen == set(replicas)
    assert router.db_for_write(Story) == "default"


def test_pinned_reads_go_to_the_primary(replicas):
    with pinned_to_primary():
        assert router.db_for_read(Story) == "default"
    assert router.db_for_read(Story) in replicas


def test_pinning_with_false_keeps_replica_reads(replicas):
    with pinned_to_primary(False):
        assert router.db_for_read(Story) in replicas


@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_stay_on_it(replicas):
    with transaction.atomic():
        assert router.db_for_read(Story) == "default"


def test_a_relation_is_followed_on_the_database_its_object_came_from(replicas):
    story = Story(title="x")
    story._state.db = "replica2"
    assert router.db_for_read(Story, instance=story) == "replica2"


def test_migrations_run_only_on_the_primary(replicas):
    assert router.allow_migrate("default", "stories")
    assert not router.allow_migrate("replica1", "stories")


def test_a_worker_process_reads_from_the_primary(replicas, monkeypatch):
    import byline.core.db

    monkeypatch.setattr(byline.core.db, "_process_pinned", False)  # restored after the test
    pin_process_to_primary()
    assert router.db_for_read(Story) == "default"


def _routed_read(request):
    """Run the middleware around a view that records where its reads would go."""
    seen = {}

    def view(request):
        seen["db"] = router.db_for_read(Story)
        return HttpResponse("ok")

    response = PrimaryPinMiddleware(view)(request)
    return seen["db"], response


def test_a_write_reads_from_the_primary_and_pins_the_client_for_a_while(replicas, settings):
    settings.REPLICA_PIN_SECONDS = 10
    db, response = _routed_read(RequestFactory().post("/stories/new"))
    assert db == "default"
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 10
    assert cookie["httponly"]
    # The page the client is redirected to after its write reads its own change.
    follow_up = RequestFactory().get("/@alice/new-story")
    follow_up.COOKIES[PIN_COOKIE] = "1"
    assert _routed_read(follow_up)[0] == "default"
    # The pin ends with the request: the next read elsewhere goes back to a replica.
    assert router.db_for_read(Story) in replicas


def test_other_clients_keep_reading_from_replicas(replicas):
    db, response = _routed_read(RequestFactory().get("/"))
    assert db in replicas
    assert PIN_COOKIE not in response.cookies


def test_without_replicas_no_pin_cookie_is_set():
    db, response = _routed_read(RequestFactory().post("/stories/new"))
    assert db == "default"
    assert PIN_COOKIE not in response.cookies


ROUTED_REQUESTS = """
import json, django
django.setup()
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

client = Client()

def run(method, path, **kwargs):
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(
        connections["replica1"]
    ) as replica:
        response = getattr(client, method)(path, **kwargs)
    return [response.status_code, len(primary), len(replica)]

# The first page showing trending recomputes the scores (inline with the immediate task
# back-end, then once per BYLINE_TRENDING_INTERVAL): writes, so on the primary.
result = {"first read": run("get", "/")}
result["read"] = run("get", "/")
result["write"] = run("post", "/accounts/login/", data={"login": "nobody", "password": "x"})
result["read after write"] = run("get", "/")
del client.cookies["byline_primary"]  # the pin cookie expires
result["read later"] = run("get", "/")
print(json.dumps(result))
"""


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_real_site_with_a_replica_reads_its_own_writes(tmp_path):
    """The whole stack in a fresh process, with a replica alias on the same PostgreSQL database:
    which connection each request's queries really went through."""
    import json
    import os
    import subprocess
    import sys

    from django.db import connection

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "BYLINE_TASKS", "DATABASE_REPLICA_URLS")
    } | {
        "DJANGO_SETTINGS_MODULE": "byline.settings.test",  # static files without a manifest
        "BYLINE_DATA_DIR": str(tmp_path),
        "BYLINE_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": url,
        "DATABASE_REPLICA_URLS": url,
    }
    done = subprocess.run(
        [sys.executable, "-c", ROUTED_REQUESTS], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    status, primary, replica = result["first read"]
    assert status == 200 and primary > 0
    status, primary, replica = result["read"]
    assert (status, primary) == (200, 0) and replica > 0
    status, primary, replica = result["write"]
    assert primary > 0 and replica == 0
    status, primary, replica = result["read after write"]
    assert (status, replica) == (200, 0) and primary > 0
    status, primary, replica = result["read later"]
    assert (status, primary) == (200, 0) and replica > 0
