"""The read beacon answered before Django, for anonymous readers of a story seen lately: the
same rules as the view (byline.stats.reads.beacon_answer), without a database query."""

import uuid
from urllib.parse import urlencode

import pytest

from byline.core.fastpath import FastPath
from byline.core.tests.wsgi import wsgi_request
from byline.stats import reads
from byline.stats.models import StoryDay, StorySource
from byline.stats.services import view_counts_flush

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"


@pytest.fixture(autouse=True)
def _fresh(empty_stats_buffers):
    """Empty counters, and no story's author known to the fast path yet."""
    reads._AUTHORS.clear()
    yield
    reads._AUTHORS.clear()


@pytest.fixture
def application(settings):
    from django.core.handlers.wsgi import WSGIHandler

    return FastPath(WSGIHandler())


def beacon(application, story_id, *, event="read", load=None, ref="", headers=None):
    fields = {"story": story_id, "load": load or uuid.uuid4().hex, "event": event}
    if event == "arrive":
        fields["ref"] = ref
    return wsgi_request(
        application,
        "/stats/read",
        method="POST",
        body=urlencode(fields).encode(),
        headers={"User-Agent": BROWSER, **(headers or {})},
    )


def _reads(story):
    view_counts_flush()
    row = StoryDay.objects.filter(story=story).first()
    return row.reads if row else 0


def test_after_the_first_beacon_the_next_ones_need_no_database(
    application, story, django_assert_num_queries
):
    assert beacon(application, story.pk).status_code == 204  # Django: looks the story up
    # The first arrival of the day reads the day's salt for counting readers, once a process.
    assert beacon(application, story.pk, event="arrive", ref="").status_code == 204
    with django_assert_num_queries(0):
        answers = [beacon(application, story.pk) for _ in range(3)]
        arrival = beacon(application, story.pk, event="arrive", ref="www.google.com")
    assert [answer.status_code for answer in answers] == [204, 204, 204]
    assert arrival.status_code == 204
    assert answers[0].header("Cache-Control") == "no-store"
    assert _reads(story) == 4
    assert dict(StorySource.objects.values_list("host", "loads")) == {"": 1, "google.com": 1}
    assert StoryDay.objects.get(story=story).readers == 1  # one address and browser


def test_the_fast_path_keeps_every_rule(application, story, settings):
    beacon(application, story.pk)  # the story is known from here on
    load = uuid.uuid4().hex
    assert beacon(application, story.pk, load=load).status_code == 204
    assert beacon(application, story.pk, load=load).status_code == 204  # the same page load
    robot = beacon(application, story.pk, headers={"User-Agent": "Googlebot/2.1"})
    assert robot.status_code == 204
    foreign = beacon(application, story.pk, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert beacon(application, "x").status_code == 400  # malformed: Django says so
    assert _reads(story) == 2


def test_the_rate_limit_holds_across_both_paths(application, story, settings):
    settings.READS_PER_MINUTE = 3
    statuses = [beacon(application, story.pk) for _ in range(5)]
    assert [answer.status_code for answer in statuses] == [204, 204, 204, 429, 429]
    assert statuses[-1].header("Retry-After")
    assert _reads(story) == 3


def test_signed_in_readers_go_through_django(application, story, client, alice):
    beacon(application, story.pk)
    client.force_login(alice)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    assert beacon(application, story.pk, headers={"Cookie": cookie}).status_code == 204
    assert _reads(story) == 1  # the first, anonymous one: the author's own is not counted


def test_an_unpublished_story_counts_no_longer_than_the_author_cache(
    application, story, monkeypatch
):
    from byline.stories.lifecycle import story_unpublish

    beacon(application, story.pk)
    story_unpublish(story=story, by=story.author)
    monkeypatch.setattr(reads, "AUTHORS_SECONDS", 0)
    assert beacon(application, story.pk).status_code == 204
    assert _reads(story) == 1
