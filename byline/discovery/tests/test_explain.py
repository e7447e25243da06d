"""The main list queries use an index on PostgreSQL (skipped on other databases).

A test database holds a few rows, so on its own the planner would rightly pick a sequential
scan and the test would say nothing. `SET LOCAL enable_seqscan = off` makes a sequential scan
cost-prohibitive: if the plan *still* has no index scan, no usable index exists for the query,
which is exactly the regression this guards against (a changed filter or ORDER BY that no index
matches would fall back to scanning a million rows)."""

import pytest
from django.db import connection, transaction

from byline.conftest import make_story
from byline.discovery.selectors import stories_latest, stories_top, stories_trending
from byline.search.backends import get_backend

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans are checked on PostgreSQL")


def captured_list_query(fetch, *, sorted_by_index: bool = False) -> str:
    """EXPLAIN of the first query `fetch` runs (the keyset page query). `sorted_by_index` also
    makes a sort step cost-prohibitive, for queries whose index must deliver the order too."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fetch()
    sql = queries.captured_queries[0]["sql"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if sorted_by_index:
            cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def stories(alice, community):
    return [make_story(alice, community=community, tags=["Rain"]) for _ in range(3)]


@pytest.mark.parametrize(
    ("name", "fetch", "index", "ordered"),
    [
        ("latest", lambda: stories_latest(cursor=None, size=12), "story_feed_idx", True),
        ("trending", lambda: stories_trending(cursor=None, size=12), "story_trending_idx", True),
        (
            "top all time",
            lambda: stories_top(period="all", cursor=None, size=12),
            "story_top_idx",
            False,
        ),
        (
            "top this week",
            lambda: stories_top(period="week", cursor=None, size=12),
            "story_",
            False,
        ),
    ],
)
def test_home_and_explore_lists_use_an_index(stories, name, fetch, index, ordered):
    # `ordered`: the index delivers the list's order too. Checked with sorting made
    # cost-prohibitive, as with a few rows (and statistics an earlier test's ANALYZE left) the
    # planner may rather filter on another index and sort three rows.
    plan = captured_list_query(fetch, sorted_by_index=ordered)
    assert "Index" in plan and index in plan, plan
    assert "Seq Scan on stories_story" not in plan, plan


def test_community_lists_use_their_index(stories, alice, community):
    for _ in range(20):  # a community holds a small part of the site
        make_story(alice)
    # Plans from this test's rows, not from the row estimate an earlier test's ANALYZE (`byline
    # reindex`) left behind: PostgreSQL keeps it through that test's rollback.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE stories_story")
    plan = captured_list_query(
        lambda: stories_latest(cursor=None, size=12, community=community), sorted_by_index=True
    )
    assert "story_community_idx" in plan, plan


def test_the_full_text_match_uses_the_gin_index(stories):
    """With a handful of rows the planner would rather drive the search from the stories'
    status index (it does, even with seq scans off); what must hold at scale is that the match
    itself can be answered by the GIN index, so that is what is checked here."""
    assert get_backend().search("story").hits  # the back-end really matches these rows
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT story_id FROM search_searchdocument "
            "WHERE vector @@ websearch_to_tsquery('english', %s)",
            ["story"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_document_vector_gin" in plan, plan


def test_popular_tags_walk_their_index(alice, django_capture_on_commit_callbacks):
    """Explore's popular tags are the first entries of tag_popular_idx (story_count DESC,
    name): no aggregate, no sort, whatever the number of stories."""
    from byline.discovery.selectors import tags_popular

    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            make_story(alice, tags=[f"Tag {n}", "Common"])
    plan = captured_list_query(lambda: tags_popular(limit=3), sorted_by_index=True)
    assert "tag_popular_idx" in plan, plan
    assert "stories_story" not in plan, plan
