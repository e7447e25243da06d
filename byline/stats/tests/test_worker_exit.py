"""A production worker that stops (a deploy, a restart) writes the views and reads it still
held: granian workers end without running atexit handlers, so the hand-over is also a
multiprocessing finalizer. Real server, real SQLite file, real SIGTERM."""

from __future__ import annotations

import http.client
import json
import uuid

from byline.tests.servers import HOST, byline, free_port, get, server_env, start_byline

CREATE = """
import json
from byline.accounts.models import User
from byline.stories.lifecycle import story_publish
from byline.stories.services import story_create
author = User.objects.create_user(username="writer", email="w@example.org", password="x" * 20)
story = story_create(author=author, title="Kept", subtitle="", body="Words. " * 50, tags=[],
                     check_quota=False)
story_publish(story=story)
print("RESULT " + json.dumps({"id": story.pk, "url": story.get_absolute_url()}))
"""
COUNT = """
import json
from django.db.models import Sum
from byline.stats.models import StoryDay
from byline.stories.models import Story
story = Story.objects.get(slug="kept")
reads = StoryDay.objects.filter(story=story).aggregate(n=Sum("reads"))["n"] or 0
print("RESULT " + json.dumps({"views": story.view_count, "reads": reads}))
"""


def _result(output: str) -> dict:
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def _beacon(port: int, story_id: int) -> int:
    body = f"story={story_id}&event=read&load={uuid.uuid4().hex}"
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request(
            "POST",
            "/stats/read",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0",
            },
        )
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_stopping_worker_writes_the_counts_it_held(tmp_path):
    data, port = tmp_path / "data", free_port()
    # No flush while it runs: whatever reaches the database comes from the workers stopping.
    env = server_env(data, port, BYLINE_VIEW_FLUSH_SECONDS="3600")
    server = start_byline(["run", "--no-demo"], env, tmp_path / "run.log")
    try:
        story = _result(byline("shell", "-c", CREATE, env=env))
        assert [get(port, story["url"])[0] for _ in range(6)] == [200] * 6
        assert [_beacon(port, story["id"]) for _ in range(4)] == [204] * 4
        assert _result(byline("shell", "-c", COUNT, env=env)) == {"views": 0, "reads": 0}
    finally:
        server.stop()
    assert _result(byline("shell", "-c", COUNT, env=env)) == {"views": 6, "reads": 4}
