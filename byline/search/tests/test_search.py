"""Search: the same tests run on SQLite (FTS5) and PostgreSQL (tsvector), whichever the suite
uses (DATABASE_URL)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from byline.conftest import make_story, make_user
from byline.search.backends import SearchFilters, get_backend
from byline.search.models import SearchDocument
from byline.stories.models import Story
from byline.stories.services import tags_from_names

pytestmark = pytest.mark.django_db


def titles(query, **filters):
    return [hit.story.title for hit in get_backend().search(query, **filters).hits]


def test_it_ranks_title_above_subtitle_above_tags_above_body(alice):
    make_story(alice, title="Body", subtitle="x", body="A word about lighthouses here.")
    make_story(alice, title="Tags", subtitle="x", tags=["Lighthouses"], body="nothing")
    make_story(alice, title="Lighthouses", subtitle="x", body="nothing")
    make_story(alice, title="Subtitle", subtitle="On lighthouses", body="nothing")
    assert titles("lighthouses") == ["Lighthouses", "Subtitle", "Tags", "Body"]


def test_it_finds_only_published_stories(alice):
    make_story(alice, title="Published marmalade")
    make_story(alice, title="Draft marmalade", status="draft")
    make_story(alice, title="Submitted marmalade", status="submitted")
    make_story(
        alice, title="Scheduled marmalade", published_at=timezone.now() + dt.timedelta(days=1)
    )
    assert titles("marmalade") == ["Published marmalade"]


def test_the_index_follows_publish_edit_unpublish_and_delete(alice):
    story = make_story(alice, title="Quince jelly", status="draft")
    assert titles("quince") == []
    from byline.stories.lifecycle import story_publish

    story_publish(story=story)
    assert titles("quince") == ["Quince jelly"]
    story.title = "Medlar jelly"
    story.save(update_fields=["title", "updated_at"])
    assert titles("quince") == [] and titles("medlar") == ["Medlar jelly"]
    story.status = Story.Status.DRAFT
    story.save(update_fields=["status"])
    assert titles("medlar") == []
    story.status = Story.Status.PUBLISHED
    story.save()
    assert titles("medlar") == ["Medlar jelly"]
    story.delete()
    assert titles("medlar") == [] and not SearchDocument.objects.exists()


def test_the_index_follows_tag_changes_from_both_sides(alice):
    story = make_story(alice, title="Untitled", body="nothing")
    [tag] = tags_from_names(["Cartography"])
    story.tags.add(tag)
    assert titles("cartography") == ["Untitled"]
    story.tags.remove(tag)
    assert titles("cartography") == []
    tag.stories.add(story)
    assert titles("cartography") == ["Untitled"]
    tag.stories.clear()
    assert titles("cartography") == []
    story.tags.add(tag)
    tag.name = "Mapmaking"
    tag.save()
    assert titles("mapmaking") == ["Untitled"] and titles("cartography") == []


def test_counter_updates_do_not_touch_the_index(alice, django_assert_num_queries):
    story = make_story(alice, title="Counted")
    story.view_count = 5
    with django_assert_num_queries(1):
        story.save(update_fields=["view_count"])


def test_reindex_rebuilds_everything(alice):
    make_story(alice, title="Saffron buns")
    make_story(alice, title="Saffron rice", status="draft")
    SearchDocument.objects.all().delete()
    assert titles("saffron") == []
    call_command("reindex", stdout=__import__("io").StringIO())
    assert titles("saffron") == ["Saffron buns"]
    assert SearchDocument.objects.count() == 1


def test_filters_narrow_results(alice, bob, community):
    old = timezone.now() - dt.timedelta(days=40)
    in_earth = make_story(alice, title="Fjord one", community=community, tags=["Norway"])
    by_bob = make_story(bob, title="Fjord two", published_at=old)
    make_story(alice, title="Fjord three", published_at=old)
    backend = get_backend()

    def found(**filters):
        hits = backend.search("fjord", filters=SearchFilters(**filters)).hits
        return sorted(hit.story.title for hit in hits)

    assert found(community_id=community.pk) == ["Fjord one"]
    assert found(tag_id=in_earth.tags.get().pk) == ["Fjord one"]
    assert found(author_id=bob.pk) == ["Fjord two"]
    assert found(since=timezone.now() - dt.timedelta(days=1)) == ["Fjord one"]
    assert found(until=timezone.now() - dt.timedelta(days=1)) == ["Fjord three", "Fjord two"]
    assert by_bob.pk


def test_snippets_are_escaped_and_highlighted(alice):
    make_story(
        alice,
        title="<b>Loud</b> walrus",
        body="Paragraph one.\n\nThe <script>alert(1)</script> walrus sang **loudly** at dawn.",
    )
    [hit] = get_backend().search("walrus").hits
    assert "<mark>walrus</mark>" in hit.title_html.lower()
    assert "&lt;b&gt;" in hit.title_html and "<b>" not in hit.title_html
    assert "<mark>walrus</mark>" in hit.snippet_html.lower()
    assert "<script>" not in hit.snippet_html


def test_keyset_pages_have_no_duplicates_or_gaps(alice):
    for n in range(7):
        make_story(alice, title=f"Heron {n}", body="heron " * (n + 1))
    backend, seen, cursor = get_backend(), [], None
    while True:
        page = backend.search("heron", cursor=cursor, size=3)
        seen += [hit.story.title for hit in page.hits]
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(f"Heron {n}" for n in range(7))
    assert len(seen) == len(set(seen))


NASTY = [
    '"',
    '""',
    "'",
    "*",
    "-",
    ":",
    "^",
    "NEAR(",
    "NEAR(a b",
    "title:foo",
    "a OR",
    "OR OR OR",
    "AND NOT",
    "-river",
    "((((",
    ")",
    "{a b}",
    "' OR 1=1 --",
    "'; DROP TABLE stories_story; --",
    "%",
    "_%_",
    "\\",
    "\x00",
    "\x02river\x03",
    "🦆 ducks",
    "ß straße",
    "漢字 かな",
    "مرحبا",
    "a" * 200,
    "river " * 40,
    "!@#$%^&*()_+=[]{}|;',./<>?`~",
    "<script>alert(1)</script>",
    "& | ! <->",
    "river:* & !x",
]


@pytest.mark.parametrize("query", NASTY)
def test_any_input_is_safe(client, alice, query):
    make_story(alice, title="River story")
    response = client.get("/search/", {"q": query})
    # A NUL cannot be searched on PostgreSQL: the site answers it with a clear 400 page.
    assert response.status_code == (400 if "\x00" in query else 200)
    get_backend().search(query)  # never raises
    assert Story.objects.count() == 1


def test_the_query_length_is_limited_with_a_clear_message(client):
    response = client.get("/search/", {"q": "x" * 201})
    assert response.status_code == 200
    assert "Search for at most 200 characters." in response.content.decode()


def test_bad_filters_get_a_message_not_an_error(client, alice):
    make_story(alice, title="Otter")
    html = client.get("/search/", {"q": "otter", "since": "not-a-date"}).content.decode()
    assert "Enter a valid date." in html
    html = client.get("/search/", {"q": "otter", "community": "nowhere"}).content.decode()
    assert "No community by that name." in html
    for since, until in [("0001-01-01", "9999-12-31"), ("9999-12-31", "9999-12-31")]:
        response = client.get("/search/", {"q": "otter", "since": since, "until": until})
        assert response.status_code == 200
    html = client.get("/search/", {"q": "otter", "since": "2030-01-02", "until": "2030-01-01"})
    assert "The end date must be on or after the start date." in html.content.decode()


class TestSearchPage:
    def test_it_shows_stories_creators_and_communities(self, client, alice, community):
        make_story(alice, title="Earth songs", community=community)
        html = client.get("/search/", {"q": "earth"}).content.decode()
        assert "<mark>Earth</mark> songs" in html
        assert f'href="{community.get_absolute_url()}"' in html

        html = client.get("/search/", {"q": "alice"}).content.decode()
        assert 'href="/@alice"' in html and "Alice Archer" in html

    def test_filters_from_the_url(self, client, alice, bob, community):
        make_story(alice, title="Pebble A", community=community)
        make_story(bob, title="Pebble B")
        html = client.get("/search/", {"q": "pebble", "creator": "@bob"}).content.decode()
        assert "/@bob/pebble-b" in html and "/@alice/pebble-a" not in html
        html = client.get("/search/", {"q": "pebble", "community": "earth"}).content.decode()
        assert "/@alice/pebble-a" in html and "/@bob/pebble-b" not in html

    def test_empty_and_no_result_states(self, client, alice):
        html = client.get("/search/").content.decode()
        assert "Type a few words" in html
        html = client.get("/search/", {"q": "zzyzx"}).content.decode()
        assert "No stories match “zzyzx”" in html

    def test_htmx_gets_only_the_results(self, client, alice):
        make_story(alice, title="Kestrel")
        response = client.get("/search/", {"q": "kestrel"}, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert "Kestrel" in html and "<html" not in html

    def test_the_next_page_link_keeps_the_filters(self, client, alice, settings):
        settings.PAGE_SIZE = 1
        make_story(alice, title="Wren one")
        make_story(alice, title="Wren two")
        html = client.get("/search/", {"q": "wren", "creator": "alice"}).content.decode()
        assert "q=wren&amp;creator=alice&amp;after=" in html

    def test_the_query_count_is_bounded(self, client, alice, django_assert_max_num_queries):
        for n in range(10):
            make_story(alice, title=f"Moth {n}", tags=["Night"])
        with django_assert_max_num_queries(8):
            response = client.get("/search/", {"q": "moth"})
        assert response.content.decode().count('class="search-hit"') == 10

    def test_the_header_box_is_on_every_page(self, client):
        html = client.get("/").content.decode()
        assert 'action="/search/"' in html and 'name="q"' in html


def test_a_title_match_beats_a_subtitle_and_body_match_of_a_common_word(alice):
    make_story(alice, title="Notes on tides", subtitle="A river mouth", body="The river.")
    make_story(alice, title="The river remembers", subtitle="x", body="Mud and stones. " * 60)
    make_story(alice, title="Bread", body="Flour, water, salt and a river.")
    assert titles("river") == ["The river remembers", "Notes on tides", "Bread"]


def test_subtitles_are_highlighted_too(alice):
    make_story(alice, title="Plain", subtitle="A <i>heron</i> at dusk")
    [hit] = get_backend().search("heron").hits
    assert hit.subtitle_html == "A &lt;i&gt;<mark>heron</mark>&lt;/i&gt; at dusk"


def test_random_text_never_breaks_search(alice):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    make_story(alice, title="River story", tags=["Water"])
    backend = get_backend()
    alphabet = st.characters(codec="utf-8", exclude_categories=["Cs"])
    syntax = st.sampled_from(['"', "*", "-", ":", "^", "(", ")", "NEAR", "OR", "AND", "NOT", " "])

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.one_of(st.text(alphabet, max_size=12), syntax), max_size=12))
    def check(parts):
        query = " ".join(parts)
        page = backend.search(query)
        assert all(hit.story.title == "River story" for hit in page.hits)

    check()


def test_a_bare_at_sign_does_not_list_every_creator(client, alice, bob):
    make_story(alice, title="At sign")
    html = client.get("/search/", {"q": "@"}).content.decode()
    assert "Communities and creators" not in html


def test_within_a_tier_the_newest_story_comes_first(alice):
    """The rank is where the query matches; stories matching in the same place come newest
    first, which is what keeps a page's cost independent of the number of matches."""
    old = make_story(alice, title="Kestrel notes", body="kestrel " * 30)
    new = make_story(alice, title="A kestrel", body="one")
    make_story(alice, title="Field", body="A kestrel hovered.")
    assert titles("kestrel") == [new.title, old.title, "Field"]


def test_words_spread_over_columns_still_match_once(alice):
    make_story(alice, title="Otter", subtitle="x", body="A holt by the weir.")
    make_story(alice, title="Otter holt", subtitle="x", body="nothing")
    make_story(alice, title="Otter", subtitle="x", body="no home here", tags=["Holt"])
    assert titles("otter holt") == ["Otter holt", "Otter", "Otter"]
    # Excluded anywhere, not only where the rest matched: both title matches, newest first.
    assert titles("otter -weir") == ["Otter", "Otter holt"]


@pytest.mark.parametrize("plan", ["walk", "gin", "walk the documents, gin the columns"])
def test_both_postgres_plans_give_the_same_page(alice, monkeypatch, plan):
    """PostgreSQL walks the newest documents for a common word and lists a rare one from a GIN
    index (decided from pg_stats, per column); the answer must not depend on which."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the choice of plan is PostgreSQL's")
    from byline.search.backends import postgres

    choices = {
        "walk": lambda query, column: True,
        "gin": lambda query, column: False,
        "walk the documents, gin the columns": lambda query, column: column == 0,
    }
    monkeypatch.setattr(postgres, "_dense", choices[plan])
    make_story(alice, title="Body", subtitle="x", body="A word about puffins here.")
    make_story(alice, title="Tags", subtitle="x", tags=["Puffins"], body="nothing")
    make_story(alice, title="Puffins", subtitle="x", body="nothing")
    make_story(alice, title="Subtitle", subtitle="On puffins", body="nothing")
    make_story(alice, title="Puffins again", subtitle="x", body="puffins")
    backend, seen, cursor = get_backend(), [], None
    while True:
        page = backend.search("puffins", cursor=cursor, size=2)
        seen += [hit.story.title for hit in page.hits]
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == ["Puffins again", "Puffins", "Subtitle", "Tags", "Body"]


# --- Creators ---------------------------------------------------------------------------------


def people(query):
    return [user.username for user in get_backend().people(query, limit=6)]


def test_creators_are_found_by_any_part_of_their_name_or_handle(alice, bob):
    assert people("archer") == ["alice"]  # Alice Archer, by her surname
    assert people("lic") == ["alice"]
    assert people("@ali") == ["alice"]
    assert people("zzz") == []


def test_an_exact_handle_comes_first_then_handles_that_start_with_it():
    for handle, name in [("annex", "Zed"), ("joanne", "Jo"), ("ann", "Ann"), ("bo", "Dr Ann")]:
        make_user(handle, display_name=name)
    assert people("ann") == ["ann", "annex", "bo", "joanne"]


def test_renamed_suspended_and_closed_accounts(alice, mallory):
    alice.display_name = "Alice Fletcher"
    alice.save()
    assert people("fletcher") == ["alice"] and people("archer") == []
    alice.is_active = False
    alice.save()
    assert people("fletcher") == []


def test_short_queries_list_no_creators(alice):
    assert people("al") == [] and people("@") == []


def test_creator_search_reads_the_trigram_index(alice):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        people("archer")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Scans of the table or its primary key made cost-prohibitive: what is left must be
            # the trigram indexes, if they can answer the query at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("EXPLAIN " + queries.captured_queries[0]["sql"])
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + queries.captured_queries[0]["sql"])
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    if connection.vendor == "postgresql":
        assert "user_name_trgm" in plan and "user_handle_trgm" in plan, plan
    else:
        assert "VIRTUAL TABLE" in plan and "SCAN u" not in plan, plan
