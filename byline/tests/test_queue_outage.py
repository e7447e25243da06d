"""Redis (cache, sessions, task queue) goes down while authors write: every save commits, its
background tasks wait in the outbox, and once Redis is back the sweep hands them to the queue and
a real rq worker runs them. Runs on SQLite and on PostgreSQL, against a Redis server of the
test's own that it really stops (byline/tests/outage.py)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from byline.api.tests.conftest import ApiClient, make_token
from byline.conftest import image_file, make_story
from byline.core.models import ImageRendition, OutboxTask
from byline.core.outbox import outbox_send_due
from byline.stories.models import Story
from byline.tests.outage import run_rq_worker_here

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}{password}@{host}/{db['NAME']}"


def queue_is_back_and_the_worker_runs(redis_server, tmp_path) -> None:
    """Redis comes back; `byline worker --burst` sends the waiting outbox rows and runs them
    (a separate process on PostgreSQL; rq's worker in this process on the in-memory SQLite
    test database, after the same sweep)."""
    redis_server.start()
    # Some time later: the back-off of the refused rows is over.
    OutboxTask.objects.update(not_before=timezone.now() - dt.timedelta(seconds=1))
    if connection.vendor != "postgresql":
        assert outbox_send_due() >= 1
        run_rq_worker_here()
        return
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BYLINE_", "DATABASE_", "REDIS_", "DJANGO_"))
    } | {
        "DJANGO_SETTINGS_MODULE": "byline.settings.base",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_server.url,
        "BYLINE_TASKS": "rq",
        "BYLINE_CACHE_PREFIX": "byline-outage-test",
        "BYLINE_DATA_DIR": str(tmp_path / "worker-data"),
    }
    worker = subprocess.run(
        [sys.executable, "-m", "byline", "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr


def test_a_story_saved_in_the_editor_while_redis_is_down_is_kept_and_processed_later(
    client, alice, site_on_redis, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "worker-data" / "media"  # the worker process's too
    client.force_login(alice)  # a session in Redis and in the database
    site_on_redis.stop()

    response = client.post(
        "/write/",
        {
            "title": "Written during the outage",
            "body": "Every word the author typed.",
            "hero_image": image_file(size=(1200, 800)),
            "hero_image_caption": "Rain",
            "action": "save",
        },
    )
    # Signed in from the database copy of the session; the draft is saved.
    assert response.status_code == 302, response.content[:500]
    story = Story.objects.get(title="Written during the outage")
    assert story.body == "Every word the author typed."
    assert response["Location"] == f"/write/{story.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Draft saved" in page.content.decode()

    # Editing it again works too, and so does the autosave.
    response = client.post(
        f"/write/{story.pk}/",
        {"title": "Written during the outage", "body": "Second thoughts.", "action": "save"},
    )
    assert response.status_code == 302
    autosave = client.post(
        f"/write/{story.pk}/autosave/",
        {"title": "Written during the outage", "subtitle": "", "body": "Third thoughts."},
    )
    assert autosave.status_code == 200 and autosave.json()["saved"] is True
    story.refresh_from_db()
    assert story.body == "Third thoughts."

    # The renditions of the hero image wait in the outbox, not lost and not made yet.
    waiting = OutboxTask.objects.get(task_path="byline.core.renditions.generate_renditions")
    assert waiting.kwargs == {"storage_name": story.hero_image.name}
    assert waiting.attempts == 1
    assert "Error" in waiting.last_error
    assert not ImageRendition.objects.exists()

    queue_is_back_and_the_worker_runs(site_on_redis, tmp_path)

    assert not OutboxTask.objects.exists()
    # 480, 960 and 1200 (never upscaled), each in WebP and JPEG.
    assert ImageRendition.objects.filter(source_name=story.hero_image.name).count() == 6


def test_stories_written_and_approved_through_the_api_while_redis_is_down_are_kept(
    client, alice, carol, site_on_redis, settings, tmp_path
):
    api = ApiClient(client)
    alice_token, carol_token = make_token(alice), make_token(carol)
    site_on_redis.stop()

    created = api.post(
        "/stories", {"title": "By API, offline queue", "body": "Words."}, token=alice_token
    )
    assert created.status_code == 201, created.content
    story_id = created.json()["id"]
    edited = api.patch(f"/stories/{story_id}", {"body": "Better words."}, token=alice_token)
    assert edited.status_code == 200, edited.content
    assert api.post(f"/stories/{story_id}/submit", token=alice_token).status_code == 200
    approved = api.post(f"/stories/{story_id}/publish", token=carol_token)
    assert approved.status_code == 200, approved.content
    story = Story.objects.get(pk=story_id)
    assert (story.body, story.status) == ("Better words.", Story.Status.PUBLISHED)

    # The author's e-mail about the decision waits for the queue.
    waiting = OutboxTask.objects.get(task_path="byline.stories.tasks.send_moderation_email")
    assert waiting.kwargs == {"story_id": story_id, "action": "approve", "reason": ""}
    assert mail.outbox == []

    queue_is_back_and_the_worker_runs(site_on_redis, tmp_path)
    assert not OutboxTask.objects.exists()
    if connection.vendor != "postgresql":  # the worker ran in this process: its mail is here
        assert [message.to for message in mail.outbox] == [["alice@example.org"]]


def test_a_moderation_decision_is_not_held_up_when_only_the_queue_is_refused(
    client, alice, carol, site_on_redis
):
    story = make_story(alice, title="Waiting for review", status="submitted")
    client.force_login(carol)
    site_on_redis.stop()
    response = client.post(f"/moderation/stories/{story.pk}/approve/", {"note": ""})
    assert response.status_code == 302, response.content[:300]
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED
    assert OutboxTask.objects.filter(task_path__endswith="send_moderation_email").exists()


def test_the_site_settings_point_everything_at_the_test_redis(site_on_redis):
    # Guards the fixture itself: a test that silently used the machine's Redis, or none, would
    # prove nothing about an outage.
    from django.core.cache import cache

    assert settings.CACHES["default"]["LOCATION"] == site_on_redis.url
    cache.set("probe", 1)
    site_on_redis.stop()
    assert cache.get("probe") is None
