import datetime as dt

import feedparser
import pytest
from django.utils import timezone

from byline.conftest import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(alice, community):
    return make_story(
        alice,
        title="Tides & <Times>",
        subtitle="What the moon does",
        body="The **sea** rises.\n\nIt falls again.",
        community=community,
        tags=["Sea", "Moon"],
        published_at=timezone.now() - dt.timedelta(hours=2),
    )


FEEDS = [
    "/feeds/latest.{ext}",
    "/c/earth/feed.{ext}",
    "/tags/sea/feed.{ext}",
    "/@alice/feed.{ext}",
]


@pytest.mark.parametrize("ext", ["rss", "atom"])
@pytest.mark.parametrize("url", FEEDS)
def test_every_field_parses(client, published, settings, url, ext):
    response = client.get(url.format(ext=ext))
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == ("rss20" if ext == "rss" else "atom10")
    assert feed.feed.title and feed.feed.link.startswith(settings.SITE_URL)
    [entry] = feed.entries
    assert entry.title == "Tides & <Times>"
    assert entry.link == f"{settings.SITE_URL}/@alice/tides-times"
    assert entry.author == "Alice Archer" or entry.author.endswith("(Alice Archer)")
    assert entry.published_parsed[:4] == published.published_at.utctimetuple()[:4]
    if ext == "atom":
        assert entry.updated_parsed[:3] == published.updated_at.utctimetuple()[:3]
    assert "What the moon does" in entry.summary and "The sea rises." in entry.summary
    assert sorted(tag.term for tag in entry.tags) == ["Moon", "Sea"]


def test_full_content_is_a_setting(client, published, settings):
    settings.FEED_CONTENT = "full"
    feed = feedparser.parse(client.get("/feeds/latest.atom").content)
    assert "<strong>sea</strong>" in feed.entries[0].summary


def test_drafts_and_other_places_stay_out(client, published, alice, bob):
    make_story(alice, title="Draft", status="draft")
    make_story(bob, title="Bob's story", tags=["Moon"])
    assert [e.title for e in feedparser.parse(client.get("/c/earth/feed.rss").content).entries] == [
        "Tides & <Times>"
    ]
    assert [e.title for e in feedparser.parse(client.get("/@alice/feed.rss").content).entries] == [
        "Tides & <Times>"
    ]
    assert len(feedparser.parse(client.get("/feeds/latest.rss").content).entries) == 2


@pytest.mark.parametrize(
    "url", ["/c/nowhere/feed.rss", "/tags/nothing/feed.atom", "/@nobody/feed.rss"]
)
def test_unknown_places_are_404(client, url):
    assert client.get(url).status_code == 404


def test_pages_link_their_feeds(client, published):
    pages = {
        "/": "/feeds/latest.rss",
        "/c/earth/": "/c/earth/feed.rss",
        "/tags/sea/": "/tags/sea/feed.rss",
        "/@alice": "/@alice/feed.rss",
    }
    for page, feed in pages.items():
        html = client.get(page).content.decode()
        assert 'type="application/rss+xml" title=' in html and f'href="{feed}"' in html
        assert f'href="{feed[:-3]}atom"' in html


def test_the_feed_query_count_is_flat(client, alice, django_assert_max_num_queries):
    for n in range(15):
        make_story(alice, tags=[f"t{n}", "x"])
    with django_assert_max_num_queries(4):
        client.get("/feeds/latest.rss")
