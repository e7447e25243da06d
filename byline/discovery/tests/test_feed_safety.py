"""Feeds never fail because of one story, and never carry live markup from user text.

Stored text can hold characters XML 1.0 cannot carry (control characters pasted from other
programs, written by older versions or the admin; a NUL on SQLite). Every feed that lists
such a story, and every feed whose own title or description holds them (a creator's name and
bio, a community, a tag), still answers a well-formed document without them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser
import pytest
from django.db import connection
from django.template.response import TemplateResponse
from django.test import RequestFactory

from byline.accounts.models import User
from byline.communities.models import Community
from byline.conftest import make_story
from byline.core.xmltext import xml_clean, xml_safe, xml_safe_view
from byline.stories.models import Story, Tag

pytestmark = pytest.mark.django_db

FEEDS = [
    "/feeds/latest.{ext}",
    "/c/earth/feed.{ext}",
    "/tags/sea/feed.{ext}",
    "/@alice/feed.{ext}",
]

# Characters that XML 1.0 cannot carry and a database can store (PostgreSQL refuses NUL).
UNSERIALIZABLE = ["\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\ufffe", "\uffff"]


def store_everywhere(char: str, *, story: Story) -> None:
    """Put `char` into every stored text a feed shows, as a row written by anything would."""
    Story.objects.filter(pk=story.pk).update(
        title=f"Tide{char}s",
        subtitle=f"Sub{char}title",
        body=f"Body{char} text",
        body_html=f"<p>Body{char} text</p>",
        body_text=f"Body{char} text",
        excerpt=f"Body{char} text",
    )
    User.objects.filter(pk=story.author_id).update(
        display_name=f"Alice{char} Archer", bio=f"Bio{char}"
    )
    Community.objects.filter(pk=story.community_id).update(
        name=f"Earth{char}", description=f"Planet{char}"
    )
    Tag.objects.filter(slug="sea").update(name=f"Sea{char}")


@pytest.fixture
def story(alice, community):
    return make_story(alice, title="Tides", community=community, tags=["Sea"])


def assert_well_formed_with_the_story(response, ext: str) -> None:
    assert response.status_code == 200
    ET.fromstring(response.content)  # raises on anything XML cannot carry
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    [entry] = feed.entries
    assert entry.title == "Tides"
    assert "Subtitle" in entry.summary and "Body text" in entry.summary
    assert feed.feed.title.startswith(("Byline", "Earth ·", "Sea ·", "Alice Archer ·"))


@pytest.mark.parametrize("char", UNSERIALIZABLE, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("ext", ["rss", "atom"])
@pytest.mark.parametrize("url", FEEDS)
def test_a_feed_never_fails_because_of_stored_characters(client, story, url, ext, char):
    store_everywhere(char, story=story)
    assert_well_formed_with_the_story(client.get(url.format(ext=ext)), ext)


@pytest.mark.parametrize("ext", ["rss", "atom"])
def test_a_nul_stored_on_sqlite_does_not_fail_the_feed_either(client, story, ext):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL cannot store a NUL: nothing to show")
    store_everywhere("\x00", story=story)
    for url in FEEDS:
        assert_well_formed_with_the_story(client.get(url.format(ext=ext)), ext)


def test_full_content_feeds_are_cleaned_too(client, story, settings):
    settings.FEED_CONTENT = "full"
    store_everywhere("\x0b", story=story)
    response = client.get("/feeds/latest.atom")
    assert response.status_code == 200
    assert "Body text" in feedparser.parse(response.content).entries[0].summary


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]


def elements(html: str) -> _Elements:
    found = _Elements()
    found.feed(html)
    return found


HOSTILE_TEXT = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def raw_item_html(content: bytes, ext: str) -> str:
    """The HTML a feed reader builds an item from, straight from the XML (no feedparser
    sanitising, which real readers do not all do)."""
    root = ET.fromstring(content)
    if ext == "rss":
        return root.find("channel/item/description").text
    return root.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary").text


@pytest.mark.parametrize("content", ["summary", "full"])
@pytest.mark.parametrize("ext", ["rss", "atom"])
@pytest.mark.parametrize("url", FEEDS)
def test_items_carry_no_live_markup_from_user_text(
    client, alice, community, settings, url, ext, content
):
    settings.FEED_CONTENT = content
    make_story(
        alice,
        title="Tides",
        subtitle=HOSTILE_TEXT,
        body=f"Words {HOSTILE_TEXT} and `<img src=y onerror=alert(3)>` and <b>bold</b>.",
        community=community,
        tags=["Sea"],
    )
    html = raw_item_html(client.get(url.format(ext=ext)).content, ext)
    found = elements(html)
    assert not {"img", "script", "b"} & set(found.tags), html
    assert not [name for name in found.attributes if name.startswith("on")], html
    if content == "summary":
        # The reader sees the text as it was written, escaped, not dropped.
        assert "&lt;img src=x onerror=" in html and "Words" in html


def test_xml_safe_keeps_text_and_removes_what_xml_cannot_carry():
    assert xml_safe("Tab\tnew\nline\r é ✓ 🌊 \u2028") == "Tab\tnew\nline\r é ✓ 🌊 \u2028"
    assert xml_safe("a\x00b\x01c\x1fd\x7fe") == "abcd\x7fe"
    assert xml_safe("lone \ud800 and \udfff") == "lone \ufffd and \ufffd"
    assert xml_safe("\ufffe\uffff") == ""
    assert xml_clean({"a": ["x\x07", ("y\x08",)], "n": 3}) == {"a": ["x", ("y",)], "n": 3}


def test_sitemaps_go_through_the_same_cleaning():
    def view(request):
        return TemplateResponse(request, "sitemap.xml", {"urlset": [{"location": "/a\x07b"}]})

    response = xml_safe_view(view)(RequestFactory().get("/sitemap.xml"))
    response.render()
    assert b"/ab" in response.content
    ET.fromstring(response.content)


def test_the_site_sitemaps_are_wrapped(client, story):
    from django.urls import resolve

    for url in ("/sitemap.xml", "/sitemap-stories.xml"):
        assert getattr(resolve(url).func, "xml_safe", False), url
        response = client.get(url)
        assert response.status_code == 200
        ET.fromstring(response.content)
