"""Parallel clicks over real HTTP against a live server, on PostgreSQL.

SQLite is skipped on purpose: pytest-django's live server shares one in-memory SQLite
connection between threads, so requests there run one after another and the test would prove
nothing. The PostgreSQL stage of CI (DATABASE_URL set) runs it with real concurrent
transactions.
"""

import http.cookiejar
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from byline.conftest import make_story, make_user
from byline.insights.models import Insight, Rating
from byline.social.models import Like, Notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CSRF = "k" * 32  # any 32-character secret works as both cookie and header value


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def post(base_url: str, path: str, session: str, data: dict[str, str]) -> int:
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(
        base_url + path,
        data=body,
        headers={
            "Cookie": f"sessionid={session}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(request, timeout=30) as response:
        return response.status


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions (PostgreSQL); see the module docstring")


def test_parallel_clicks_keep_every_count_consistent(require_postgres, live_server, alice):
    story = make_story(alice, title="Busy story")
    readers = [make_user(f"reader{n}") for n in range(6)]
    sessions = [session_cookie(reader) for reader in readers]
    path = f"/stories/{story.pk}/insights/"
    jobs = []
    for session in sessions:
        # Every reader double-clicks each button: duplicates must not count twice.
        for _ in range(2):
            jobs.append((path, session, {"action": "add:eye_opening"}))
            jobs.append((path, session, {"action": "add:heartfelt"}))
            jobs.append((path, session, {"action": "rate:outstanding"}))
            jobs.append((f"/stories/{story.pk}/like/", session, {"like": "on"}))
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda job: post(live_server.url, *job), jobs))
    assert statuses == [200] * len(jobs)

    story.refresh_from_db()
    assert Insight.objects.filter(story=story, kind="eye_opening").count() == 6
    assert Insight.objects.filter(story=story, kind="heartfelt").count() == 6
    assert Rating.objects.filter(story=story).count() == 6
    assert story.insight_count == 18 == Insight.objects.filter(story=story).count() + 6
    assert story.like_count == 6 == Like.objects.filter(story=story).count()
    # One grouped row per kind for the author, counting six different readers.
    grouped = Notification.objects.filter(recipient=alice, story=story)
    assert sorted(grouped.values_list("kind", "actor_count")) == [("insight", 6), ("like", 6)]


def test_parallel_removals_never_go_below_the_truth(require_postgres, live_server, alice, bob):
    story = make_story(alice, title="Busy story")
    session = session_cookie(bob)
    post(live_server.url, f"/stories/{story.pk}/insights/", session, {"action": "add:heartfelt"})
    path = f"/stories/{story.pk}/insights/"
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(
            pool.map(
                lambda _: post(live_server.url, path, session, {"action": "remove:heartfelt"}),
                range(8),
            )
        )
    story.refresh_from_db()
    assert story.insight_count == 0
    assert not Insight.objects.filter(story=story).exists()
