"""The read beacon: a read counts once per page load, for published stories only, never for the
author or a robot, within the per-address limit; and the story page carries its script."""

import re
import uuid

import pytest
from django.utils import timezone

from byline.conftest import make_story
from byline.stats.models import StoryDay
from byline.stats.services import view_counts_flush

pytestmark = pytest.mark.django_db
URL = "/stats/read"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"


@pytest.fixture(autouse=True)
def _empty_buffers(empty_stats_buffers):
    """Every stats counter starts and ends empty (byline/conftest.py)."""


def _beacon(client, story_id, load=None, **headers):
    headers.setdefault("HTTP_USER_AGENT", BROWSER)
    data = {"story": str(story_id), "load": load or uuid.uuid4().hex}
    return client.post(URL, data, **headers)


def _reads(story) -> int:
    view_counts_flush()
    row = StoryDay.objects.filter(story=story).first()
    return row.reads if row else 0


def test_a_read_counts_once_per_page_load(client, story):
    load = uuid.uuid4().hex
    assert _beacon(client, story.pk, load).status_code == 204
    assert _beacon(client, story.pk, load).status_code == 204  # the same page load again
    assert _beacon(client, story.pk).status_code == 204  # another page load
    assert _reads(story) == 2
    row = StoryDay.objects.get(story=story)
    assert row.day == timezone.localdate()


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
        "python-requests/2.32",
    ],
)
def test_robots_are_answered_but_not_counted(client, story, agent):
    assert _beacon(client, story.pk, HTTP_USER_AGENT=agent).status_code == 204
    assert _reads(story) == 0


def test_the_author_s_own_reads_do_not_count(client, story, alice):
    client.force_login(alice)
    assert _beacon(client, story.pk).status_code == 204
    assert _reads(story) == 0


def test_only_published_stories_are_read(client, alice):
    draft = make_story(alice, status="draft")
    assert _beacon(client, draft.pk).status_code == 204
    assert _beacon(client, 987654).status_code == 204
    view_counts_flush()
    assert not StoryDay.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"story": "abc", "load": "a" * 32},
        {"story": "1", "load": "not-hex"},
        {"story": "1" * 20, "load": "a" * 32},
        {"story": "1"},
        {},
    ],
)
def test_a_malformed_beacon_is_refused(client, story, data):
    response = client.post(URL, data, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 400
    assert _reads(story) == 0


def test_only_posts_are_beacons(client, story):
    assert client.get(URL, {"story": story.pk, "load": "a" * 32}).status_code == 405


def test_another_site_cannot_send_reads(client, story):
    response = _beacon(client, story.pk, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert _reads(story) == 0
    assert _beacon(client, story.pk, HTTP_ORIGIN="http://testserver").status_code == 204
    assert _reads(story) == 1


def test_one_address_cannot_count_more_than_the_limit(client, story, settings):
    settings.READS_PER_MINUTE = 3
    statuses = [_beacon(client, story.pk).status_code for _ in range(5)]
    assert statuses == [204, 204, 204, 429, 429]
    assert _reads(story) == 3
    other = _beacon(client, story.pk, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 204


def test_the_story_page_carries_the_read_script_for_every_reader(client, story, alice):
    for who in (None, alice):
        if who:
            client.force_login(who)
        html = client.get(story.get_absolute_url()).content.decode()
        assert "byline/js/reads" in html
        assert f'data-story="{story.pk}"' in html
        assert 'data-url="/stats/read"' in html
        assert "data-story-body" in html


def test_a_draft_preview_carries_no_read_script(client, alice):
    draft = make_story(alice, status="draft")
    client.force_login(alice)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "byline/js/reads" not in html


def test_the_dashboard_shows_reads_and_the_read_ratio(client, story, alice):
    StoryDay.objects.create(story=story, day=timezone.localdate(), views=8, reads=2)
    client.force_login(alice)
    html = client.get("/me/stats/").content.decode()
    assert "<dt>Reads, 30 days</dt><dd>2</dd>" in html
    assert "<dt>Read ratio</dt><dd>25 %</dd>" in html


def _arrive(client, story, **headers):
    headers.setdefault("HTTP_USER_AGENT", BROWSER)
    data = {"story": story.pk, "load": uuid.uuid4().hex, "event": "arrive", "ref": ""}
    return client.post(URL, data, **headers)


def test_a_reader_counts_once_a_day_however_often_they_come(client, story):
    import datetime as dt

    from byline.stats.models import DailySalt, ReaderDay

    for _ in range(3):
        assert _arrive(client, story).status_code == 204  # three page loads, one reader
    _arrive(client, story, REMOTE_ADDR="203.0.113.7")  # another reader
    _arrive(client, story, HTTP_USER_AGENT=BROWSER + " Firefox")  # another browser
    view_counts_flush()
    assert StoryDay.objects.get(story=story).readers == 3
    assert ReaderDay.objects.filter(story=story).count() == 3

    # Nothing that could tell a reader apart outlives the day.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    ReaderDay.objects.update(day=yesterday)
    DailySalt.objects.update(day=yesterday)
    _arrive(client, story)
    view_counts_flush()
    assert not ReaderDay.objects.filter(day=yesterday).exists()
    assert not DailySalt.objects.filter(day=yesterday).exists()
    assert ReaderDay.objects.filter(day=timezone.localdate()).count() == 1


def test_the_dashboard_shows_the_day_s_readers(client, story, alice):
    StoryDay.objects.create(story=story, day=timezone.localdate(), views=8, reads=2, readers=5)
    client.force_login(alice)
    html = client.get("/me/stats/").content.decode()
    assert "<dt>Readers, 30 days</dt><dd>5</dd>" in html


def _depth(client, story, d, load=None):
    data = {"story": story.pk, "load": load or uuid.uuid4().hex, "event": "depth", "d": d}
    return client.post(URL, data, HTTP_USER_AGENT=BROWSER)


def test_how_far_readers_got_counts_once_per_page_load(client, story, alice):
    from byline.stats.models import StoryDepth

    load = uuid.uuid4().hex
    assert _depth(client, story, "50", load).status_code == 204
    assert _depth(client, story, "100", load).status_code == 204  # the same load: the first
    for d in ("100", "100", "75", "25", "0"):
        assert _depth(client, story, d).status_code == 204
    assert _depth(client, story, "60").status_code == 400
    assert _depth(client, story, "").status_code == 400
    view_counts_flush()
    assert dict(StoryDepth.objects.values_list("depth", "loads")) == {
        0: 1,
        25: 1,
        50: 1,
        75: 1,
        100: 2,
    }
    client.force_login(alice)
    html = client.get(f"/me/stats/{story.pk}/").content.decode()
    rows = re.findall(
        r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td><td class="num">(\d+) %</td>', html
    )
    assert rows == [
        ("25 % of the text", "5", "83"),
        ("50 % of the text", "4", "67"),
        ("75 % of the text", "3", "50"),
        ("The end", "2", "33"),
    ]
