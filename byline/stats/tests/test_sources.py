"""Where readers came from: host names only, classified into kinds, counted once per page load
and shown to the creator."""

import re
import uuid

import pytest
from django.utils import timezone

from byline.stats.models import StorySource
from byline.stats.services import view_counts_flush
from byline.stats.sources import classify, clean_host

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"


@pytest.fixture(autouse=True)
def _empty_buffers(empty_stats_buffers):
    """Every stats counter starts and ends empty (byline/conftest.py)."""


def _arrive(client, story, ref, load=None, **headers):
    data = {"story": story.pk, "load": load or uuid.uuid4().hex, "event": "arrive", "ref": ref}
    return client.post("/stats/read", data, HTTP_USER_AGENT=BROWSER, **headers)


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("", "direct"),
        ("testserver", "site"),
        ("www.google.com", "search"),
        ("google.co.uk", "search"),
        ("duckduckgo.com", "search"),
        ("t.co", "social"),
        ("old.reddit.com", "social"),
        ("feedly.com", "feeds"),
        ("example.org", "other"),
        ("notgoogle.example", "other"),
    ],
)
def test_hosts_are_sorted_into_kinds(host, kind):
    assert classify(clean_host(host), site_hosts={"testserver"}) == kind


@pytest.mark.parametrize(
    "raw", ["https://google.com/", "a b", "x" * 101, "<script>", "google.com/path", "..", "a..b"]
)
def test_anything_but_a_host_name_is_refused(raw):
    assert clean_host(raw) is None


def test_an_arrival_counts_once_per_page_load_by_host(client, story):
    load = uuid.uuid4().hex
    assert _arrive(client, story, "www.Google.com", load).status_code == 204
    assert _arrive(client, story, "www.google.com", load).status_code == 204  # the same load
    assert _arrive(client, story, "").status_code == 204
    assert _arrive(client, story, "t.co").status_code == 204
    view_counts_flush()
    rows = dict(StorySource.objects.filter(story=story).values_list("host", "loads"))
    assert rows == {"google.com": 1, "": 1, "t.co": 1}
    assert StorySource.objects.get(story=story, host="t.co").day == timezone.localdate()


def test_a_referrer_that_is_not_a_host_name_is_refused(client, story):
    assert _arrive(client, story, "https://evil.example/?q=secret").status_code == 400
    view_counts_flush()
    assert not StorySource.objects.exists()


def test_the_author_s_own_arrivals_do_not_count(client, story, alice):
    client.force_login(alice)
    assert _arrive(client, story, "google.com").status_code == 204
    view_counts_flush()
    assert not StorySource.objects.exists()


def test_the_creator_sees_where_readers_came_from(client, story, alice):
    today = timezone.localdate()
    for host, loads in (("google.com", 5), ("bing.com", 2), ("t.co", 3), ("", 4), ("a.example", 1)):
        StorySource.objects.create(story=story, day=today, host=host, loads=loads)
    client.force_login(alice)
    for url in ("/me/stats/", f"/me/stats/{story.pk}/"):
        html = client.get(url).content.decode()
        kinds = re.findall(
            r'stats-source"><th scope="row">([^<]+)</th><td class="num">(\d+)</td>', html
        )
        assert kinds == [
            ("Search engines", "7"),
            ("Direct or unknown", "4"),
            ("Social networks", "3"),
            ("Other sites", "1"),
        ]
        assert "<td>google.com</td>" in html
