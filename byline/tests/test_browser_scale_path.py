"""The scale path end to end: a story written in the browser against
PostgreSQL + Redis gets its hero image processed by a real `byline worker` process, and its page
views reach the database after the flush task runs on that worker.

The live server runs in this process with the rq task backend, so whatever it enqueues goes to
Redis and nothing runs here; the worker is a separate process on the same test database, Redis
and media folder, exactly as in production.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django_tasks import TaskResultStatus

from byline.conftest import image_file
from byline.core.models import ImageRendition
from byline.core.tests.test_worker import _database_url
from byline.stories.models import Story
from byline.tests.browser import DESKTOP
from byline.tests.test_browser_writing import CAST_PASSWORD, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

TITLE = "Ferries at Dawn"
VIEWS = 7  # anonymous page loads over plain HTTP


def run_worker(data_dir: Path) -> None:
    """`byline worker --burst` in its own process: runs what is queued on Redis, then exits."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "byline.settings.base",
        "DATABASE_URL": _database_url(),  # the test database the live server committed to
        "REDIS_URL": django_settings.REDIS_URL,
        "BYLINE_TASKS": "rq",
        "BYLINE_DATA_DIR": str(data_dir),  # MEDIA_ROOT = <data dir>/media, as in this test
    }
    worker = subprocess.run(
        [sys.executable, "-m", "byline", "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert worker.returncode == 0, worker.stderr


def test_a_story_written_in_the_browser_is_processed_and_counted_by_the_worker(
    page_factory, live_server, alice, settings, tmp_path, monkeypatch
):
    import django_rq

    from byline.stats import buffer as view_buffer
    from byline.stats import services as stats_services
    from byline.stats.tasks import flush_view_counts

    # The worker gets the same media folder through BYLINE_DATA_DIR.
    assert Path(settings.MEDIA_ROOT) == tmp_path / "media"
    settings.REVIEW = False  # BYLINE_REVIEW=off: the author's Publish publishes at once
    settings.TASKS_BACKEND = "rq"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    assert isinstance(view_buffer.buffer, view_buffer.RedisViewBuffer)
    queue = django_rq.get_queue("default")
    queue.empty()
    view_buffer.buffer.clear()
    # This test enqueues the flush itself: keep the once-a-period schedule out on a slow run.
    monkeypatch.setattr(stats_services, "_FLUSH_SECONDS", 3600)

    hero = tmp_path / "ferries.jpg"
    hero.write_bytes(image_file(size=(1200, 675)).read())

    # --- The author writes and publishes in the browser.
    page = page_factory(DESKTOP)
    sign_in(page, "alice", CAST_PASSWORD)
    page.goto("/write/")
    page.fill("input[name=title]", TITLE)
    page.fill("input[name=subtitle]", "The first crossing of the day")
    page.locator("textarea[name=body]").fill(
        "The ferry left before the sun.\n\nGulls followed it across the bay."
    )
    page.locator("#editor-status").get_by_text(re.compile(r"Saved at \d\d:\d\d")).wait_for()
    page.wait_for_url(re.compile(r"/write/\d+/$"))
    page.set_input_files("input[name=hero_image]", str(hero))
    page.fill("input[name=hero_image_caption]", "The ferry at first light.")
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_role("heading", level=1, name=TITLE).wait_for()
    assert page.errors == []

    story = Story.objects.get(title=TITLE)
    assert story.status == Story.Status.PUBLISHED
    assert story.author == alice
    source = story.hero_image.name
    assert source and default_storage.exists(source)

    # --- Queued on Redis, not run: the web process makes no renditions.
    assert queue.count >= 1
    assert not ImageRendition.objects.filter(source_name=source).exists()

    run_worker(tmp_path)
    assert queue.count == 0
    renditions = ImageRendition.objects.filter(source_name=source).order_by("width", "format")
    # 480, 960 and 1600 wide, never wider than the 1200-pixel source; WebP + JPEG each.
    assert sorted({r.width for r in renditions}) == [480, 960, 1200]
    assert sorted((r.width, r.format) for r in renditions) == [
        (w, f) for w in (480, 960, 1200) for f in ("jpeg", "webp")
    ]
    for rendition in renditions:
        assert default_storage.exists(rendition.storage_name), rendition.storage_name
        assert rendition.height == round(675 * rendition.width / 1200)

    # --- A reader (anonymous) gets a <picture> built from them.
    story_path = story.get_absolute_url()
    reader = page_factory(DESKTOP)
    story_requests = []
    reader.on(
        "request",
        lambda request: (
            story_requests.append(request.url)
            if request.method == "GET" and urlsplit(request.url).path == story_path
            else None
        ),
    )
    reader.goto(story_path)
    picture = reader.locator(".story-hero picture")
    webp_srcset = picture.locator("source[type='image/webp']").get_attribute("srcset")
    img_srcset = picture.locator("img").get_attribute("srcset")
    for rendition in renditions:
        srcset = webp_srcset if rendition.format == "webp" else img_srcset
        assert f"{rendition.url} {rendition.width}w" in srcset
    assert reader.locator(".story-hero img").evaluate("img => img.naturalWidth") > 0
    assert reader.errors == []

    # --- Page views: counted without a database write, flushed by the worker.
    for _ in range(VIEWS):
        with urllib.request.urlopen(live_server.url + story_path, timeout=30) as response:
            assert response.status == 200
    assert len(story_requests) >= 1
    counted = len(story_requests) + VIEWS  # every anonymous GET of the page is a view
    # The live server's process pushes its tally to Redis within BYLINE_VIEW_PUSH_SECONDS,
    # without waiting for another view; the worker can only flush what is in Redis.
    deadline = time.monotonic() + 10 + settings.VIEW_PUSH_SECONDS
    while view_buffer.buffer.pending() < counted and time.monotonic() < deadline:
        time.sleep(0.1)
    assert view_buffer.buffer.pending() == counted
    story.refresh_from_db()
    assert story.view_count == 0  # nothing written per view

    flush = flush_view_counts.enqueue()  # what the periodic schedule enqueues
    assert queue.count == 1
    run_worker(tmp_path)
    flush.refresh()
    assert flush.status == TaskResultStatus.SUCCESSFUL
    assert flush.return_value == counted
    story.refresh_from_db()
    assert story.view_count == counted
    assert view_buffer.buffer.pending() == 0
