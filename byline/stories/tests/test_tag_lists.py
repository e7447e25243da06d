"""A tag's list of stories: the same stories in the same order whichever way the database is
asked (see StoryQuerySet.tagged), and the common-tag way walks the feed index without sorting."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from byline.conftest import make_story
from byline.core.pagination import keyset_page
from byline.stories import models as story_models
from byline.stories.models import Story, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged_site(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(9):
            make_story(alice, title=f"Story {n}", tags=["Moss"] if n % 3 else ["Moss", "Fern"])
        make_story(alice, title="Draft", tags=["Moss"], status="draft")
    return Tag.objects.get(slug="moss")


def walk_pages(tag, *, ids_first: bool = False) -> list[str]:
    titles, cursor = [], None
    while True:
        stories = Story.objects.published().tagged(tag).for_cards()
        page = keyset_page(stories, cursor=cursor, size=4, ids_first=ids_first)
        titles += [story.title for story in page.items]
        if not page.next_cursor:
            return titles
        cursor = page.next_cursor


def test_a_common_and_a_rare_tag_list_the_same_way(tagged_site, monkeypatch, client):
    tag = tagged_site
    assert tag.story_count == 9
    monkeypatch.setattr(story_models, "TAG_WALK_MIN_STORIES", 1)  # 9 stories: a common tag
    walked, walked_ids_first = walk_pages(tag), walk_pages(tag, ids_first=True)
    page = client.get("/tags/moss/").content.decode()
    monkeypatch.setattr(story_models, "TAG_WALK_MIN_STORIES", 10)  # a rare one
    joined = walk_pages(tag)
    expected = [f"Story {n}" for n in reversed(range(9))]
    assert walked == walked_ids_first == joined == expected
    assert "Story 8" in page and "Draft" not in page


def test_a_common_tag_walks_the_feed_index_without_sorting(tagged_site, monkeypatch):
    monkeypatch.setattr(story_models, "TAG_WALK_MIN_STORIES", 1)
    with CaptureQueriesContext(connection) as queries:
        keyset_page(Story.objects.published().tagged(tagged_site).for_cards(), cursor=None, size=4)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + queries.captured_queries[0]["sql"])
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + queries.captured_queries[0]["sql"])
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "story_feed_idx" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def test_the_tag_page_and_feed_under_the_walk(tagged_site, monkeypatch, client):
    """The walk is what a common tag gets: its page, its feed (which carries the text the
    cards leave out) and a forged cursor still behave; an unknown tag is a 404."""
    import feedparser

    monkeypatch.setattr(story_models, "TAG_WALK_MIN_STORIES", 1)
    feed = feedparser.parse(client.get("/tags/moss/feed.rss").content)
    assert [entry.title for entry in feed.entries] == [f"Story {n}" for n in reversed(range(9))]
    assert all(entry.summary for entry in feed.entries)
    forged = client.get("/tags/moss/", {"after": "not-a-cursor"})
    assert forged.status_code == 200 and "Story 8" in forged.content.decode()
    assert client.get("/tags/no-such-tag/").status_code == 404
