"""Summaries, excerpts and snippets come from one place: the plain text of the rendered,
sanitized HTML (Story.body_text and Story.excerpt, filled on save), never the Markdown source.
Feeds, search (page and API, both back-ends), story cards, the API and the page's meta and
JSON-LD descriptions all show the same text, escaped where it goes."""

from __future__ import annotations

import html
import importlib
import json
import re
import types
import xml.etree.ElementTree as ET

import pytest
from django.apps import apps
from django.db import connection

from byline.conftest import make_story
from byline.search.backends import get_backend
from byline.search.models import SearchDocument
from byline.stories.models import Story

pytestmark = pytest.mark.django_db

BODY = (
    "![A long alt text about the walrus colony](https://img.example/w.png) The walrus wrote "
    "snake_case notes [a link](https://evil.example/walrus-url) and "
    "`<img src=x onerror=alert(1)>` on **AT&amp;T** ice, \\*twice\\*.\n\n"
    "See [the reference][ref].\n\n"
    "[ref]: https://refs.example/walrus\n\n"
    "| a | b |\n|---|---|\n| walrus | tusk |\n"
)
EXCERPT = (
    "The walrus wrote snake_case notes a link and <img src=x onerror=alert(1)> on AT&T ice, "
    "*twice*. See the reference. a b walrus tusk"
)
# What Markdown source (or a URL only the source holds) looks like in a snippet.
SOURCE_SYNTAX = ["![", "](", "**", "[ref]", "https://", "|---", "\\*", "&amp;amp;"]


@pytest.fixture
def walrus(alice, community):
    return make_story(alice, title="Ice notes", subtitle="", body=BODY, community=community)


def test_the_excerpt_is_the_visible_text_and_the_summary_prefers_the_subtitle(walrus, alice):
    assert walrus.body_text == EXCERPT
    assert walrus.excerpt == EXCERPT and walrus.summary == EXCERPT
    with_subtitle = make_story(alice, subtitle="On ice", body=BODY)
    assert with_subtitle.summary == "On ice" and with_subtitle.excerpt == EXCERPT


def test_long_text_is_cut_with_an_ellipsis(alice):
    story = make_story(alice, body="word " * 500)
    assert story.excerpt.endswith("…") and len(story.excerpt.split()) == 60
    story = make_story(alice, body="字" * 2000)  # no spaces: cut by characters
    assert story.excerpt.endswith("…") and len(story.excerpt) <= 400


def test_an_edit_refreshes_the_excerpt(walrus, alice):
    from byline.stories.services import story_update

    story_update(story=walrus, by=alice, body="Fresh *words* now.")
    walrus.refresh_from_db()
    assert (walrus.excerpt, walrus.body_text) == ("Fresh words now.", "Fresh words now.")


@pytest.mark.parametrize("query", ["walrus", "tusk", "notes", "snake_case", "reference"])
def test_search_snippets_show_the_text_readers_read(walrus, query):
    [hit] = get_backend().search(query).hits
    snippet = str(hit.snippet_html)
    for syntax in SOURCE_SYNTAX:
        assert syntax not in snippet, (syntax, snippet)
    assert "<mark>" in snippet and "<img" not in snippet
    text = html.unescape(re.sub(r"</?mark>", "", snippet))
    for fragment in filter(None, (part.strip() for part in text.split("…"))):
        assert fragment in EXCERPT, (fragment, snippet)


def test_search_snippets_escape_the_text_and_mark_only_the_matches(walrus):
    [hit] = get_backend().search("onerror").hits
    snippet = str(hit.snippet_html)
    assert "&lt;img src=x <mark>onerror</mark>=alert(1)&gt;" in snippet
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0


def test_words_only_the_markdown_source_holds_are_not_found(walrus):
    for query in ("refs", "evil", "colony", "png"):
        assert get_backend().search(query).hits == [], query


def test_the_search_page_and_api_show_the_same_snippet(client, walrus):
    page = client.get("/search/?q=tusk").content.decode()
    api = client.get("/api/v1/search?q=tusk").json()["items"][0]
    [hit] = get_backend().search("tusk").hits
    assert str(hit.snippet_html) in page and api["snippet_html"] == str(hit.snippet_html)
    assert api["summary"] == api["excerpt"] == EXCERPT


def test_cards_show_the_summary_escaped(client, walrus):
    for url in ("/", "/c/earth/", "/@alice", "/explore/"):
        html = client.get(url).content.decode()
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, url
        assert "<img src=x" not in html and "![A long" not in html, url


def test_the_api_lists_carry_the_summary(client, walrus):
    for url in (
        "/api/v1/stories",
        "/api/v1/creators/alice/stories",
        f"/api/v1/stories/{walrus.pk}",
    ):
        body = client.get(url).json()
        item = body["items"][0] if "items" in body else body
        assert item["summary"] == EXCERPT and item["excerpt"] == EXCERPT, url


def test_the_page_describes_itself_with_the_summary(client, walrus):
    html = client.get(walrus.get_absolute_url()).content.decode()
    escaped = "The walrus wrote snake_case notes a link and &lt;img src=x onerror=alert(1)&gt;"
    assert f'<meta name="description" content="{escaped}' in html
    assert f'<meta property="og:description" content="{escaped}' in html
    assert f'<meta name="twitter:description" content="{escaped}' in html
    [ld] = [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
        if '"Article"' in block
    ]
    assert ld["description"] == EXCERPT


def test_feeds_carry_the_same_summary(client, walrus):
    root = ET.fromstring(client.get("/feeds/latest.rss").content)
    description = root.find("channel/item/description").text
    assert description == (
        "<p>The walrus wrote snake_case notes a link and &lt;img src=x onerror=alert(1)&gt; on "
        "AT&amp;T ice, *twice*. See the reference. a b walrus tusk</p>"
    )


def test_cards_do_not_read_the_text(walrus):
    story = Story.objects.for_cards().get(pk=walrus.pk)
    assert {"body", "body_html", "body_text"} <= story.get_deferred_fields()
    assert "excerpt" not in story.get_deferred_fields()


def _migration(app: str, name: str):
    return importlib.import_module(f"byline.{app}.migrations.{name}")


def test_stored_stories_are_brought_up_to_date_by_the_migrations(walrus, settings):
    legacy_html = (
        '<h2 id="part">Part</h2><p><a href="#part">up</a> '
        '<a href="https://elsewhere.example/" rel="nofollow ugc noopener">out</a> tusk</p>'
    )
    Story.objects.filter(pk=walrus.pk).update(body_html=legacy_html, body_text="", excerpt="")
    SearchDocument.objects.filter(story_id=walrus.pk).update(
        body="**tusk** ![walrusalt](https://img.example/a.png)"
    )
    assert [hit.story_id for hit in get_backend().search("walrusalt").hits] == [walrus.pk]

    _migration("stories", "0011_fill_body_text_and_resanitize").fill(apps, None)
    _migration("search", "0004_body_is_plain_text").fill(
        apps, types.SimpleNamespace(connection=connection)
    )

    walrus.refresh_from_db()
    assert '<h2 id="h-part">' in walrus.body_html and 'href="#h-part"' in walrus.body_html
    assert 'rel="nofollow ugc noopener noreferrer"' in walrus.body_html
    assert walrus.body_text == walrus.excerpt == "Part up out tusk"
    assert get_backend().search("walrusalt").hits == []
    [hit] = get_backend().search("tusk").hits
    assert str(hit.snippet_html) == "Part up out <mark>tusk</mark>"


def test_stored_comments_and_pages_get_the_whole_rel(walrus, bob):
    from byline.comments.models import Comment
    from byline.core.models import StaticPage

    comment = Comment.objects.create(
        story=walrus,
        author=bob,
        body="x",
        body_html='<p><a href="https://e.example/" rel="nofollow ugc noopener">x</a></p>',
    )
    page = StaticPage.objects.create(slug="legacy", title="Legacy", body="x")
    StaticPage.objects.filter(pk=page.pk).update(body_html='<h2 id="terms">Terms</h2>')

    _migration("comments", "0003_resanitize_body_html").resanitize(apps, None)
    _migration("core", "0005_resanitize_static_pages").resanitize(apps, None)

    comment.refresh_from_db()
    page.refresh_from_db()
    assert 'rel="nofollow ugc noopener noreferrer"' in comment.body_html
    assert page.body_html == '<h2 id="h-terms">Terms</h2>'
