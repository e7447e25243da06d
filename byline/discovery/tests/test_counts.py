"""Community.story_count and Tag.story_count follow every change to stories (see counts.py).

The receivers recount after commit: each test runs its changes inside
`django_capture_on_commit_callbacks(execute=True)`, as a request's transaction would commit."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from byline.communities.models import Community
from byline.conftest import make_story
from byline.discovery import counts
from byline.discovery.selectors import communities_with_counts, tags_popular
from byline.stories.lifecycle import story_delete, story_publish, story_unpublish
from byline.stories.models import Story, Tag
from byline.stories.services import story_update, tags_from_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def mars(db):
    return Community.objects.create(name="Mars", slug="mars")


def community_count(community) -> int:
    return Community.objects.values_list("story_count", flat=True).get(pk=community.pk)


def tag_counts() -> dict[str, int]:
    return dict(Tag.objects.values_list("name", "story_count"))


def true_counts() -> tuple[dict, dict]:
    """What a full GROUP BY says: the reference the columns must equal."""
    published = Story.objects.filter(status=Story.Status.PUBLISHED)
    per_community = {c.pk: published.filter(community=c).count() for c in Community.objects.all()}
    per_tag = {t.pk: published.filter(tags=t).count() for t in Tag.objects.all()}
    return per_community, per_tag


def stored_counts() -> tuple[dict, dict]:
    return (
        dict(Community.objects.values_list("pk", "story_count")),
        dict(Tag.objects.values_list("pk", "story_count")),
    )


def test_publish_and_unpublish(committed, alice, community):
    with committed():
        story = make_story(alice, community=community, tags=["Rain"], status="draft")
    assert community_count(community) == 0 and tag_counts() == {"Rain": 0}
    with committed():
        story_publish(story=story)
    assert community_count(community) == 1 and tag_counts() == {"Rain": 1}
    with committed():
        story_unpublish(story=story, by=alice)
    assert community_count(community) == 0 and tag_counts() == {"Rain": 0}
    assert stored_counts() == true_counts()


def test_a_story_created_published_counts(committed, alice, community):
    with committed():
        make_story(alice, community=community, tags=["Rain", "Snow"])
        Story.objects.create(
            author=alice, community=community, title="Direct", slug="direct", status="published"
        )
    assert community_count(community) == 2
    assert tag_counts() == {"Rain": 1, "Snow": 1}


def test_moving_a_story_between_communities(committed, alice, community, mars):
    with committed():
        story = make_story(alice, community=community, tags=["Rain"])
    with committed():
        story_update(story=story, by=alice, community=mars)
    assert (community_count(community), community_count(mars)) == (0, 1)
    with committed():
        story_update(story=story, by=alice, community=None)
    assert (community_count(community), community_count(mars)) == (0, 0)
    assert tag_counts() == {"Rain": 1}
    assert stored_counts() == true_counts()


def test_a_full_save_that_changes_status_and_community(committed, alice, community, mars):
    with committed():
        story = make_story(alice, community=community, tags=["Rain"])
    story = Story.objects.get(pk=story.pk)
    story.status, story.community = Story.Status.DRAFT, mars
    with committed():
        story.save()
    assert (community_count(community), community_count(mars)) == (0, 0)
    assert tag_counts() == {"Rain": 0}


def test_tags_added_removed_and_cleared_from_the_story(committed, alice, community):
    with committed():
        story = make_story(alice, community=community, tags=["Rain"])
        snow, hail = tags_from_names(["Snow", "Hail"])
    with committed():
        story.tags.add(snow, hail)
    assert tag_counts() == {"Rain": 1, "Snow": 1, "Hail": 1}
    with committed():
        story.tags.remove(snow)
    assert tag_counts() == {"Rain": 1, "Snow": 0, "Hail": 1}
    with committed():
        story.tags.set([snow])
    assert tag_counts() == {"Rain": 0, "Snow": 1, "Hail": 0}
    with committed():
        story.tags.clear()
    assert tag_counts() == {"Rain": 0, "Snow": 0, "Hail": 0}


def test_stories_added_removed_and_cleared_from_the_tag(committed, alice, bob, community):
    with committed():
        one = make_story(alice, community=community)
        two = make_story(bob)
        draft = make_story(bob, status="draft")
        (rain,) = tags_from_names(["Rain"])
    with committed():
        rain.stories.add(one, two, draft)
    assert tag_counts() == {"Rain": 2}
    with committed():
        rain.stories.remove(two)
    assert tag_counts() == {"Rain": 1}
    with committed():
        rain.stories.clear()
    assert tag_counts() == {"Rain": 0}


def test_tags_of_drafts_count_nowhere(committed, alice):
    with committed():
        draft = make_story(alice, status="draft", tags=["Rain"])
        draft.tags.add(*tags_from_names(["Snow"]))
    assert tag_counts() == {"Rain": 0, "Snow": 0}


def test_deleting_a_story_or_its_author(committed, alice, bob, community):
    with committed():
        story = make_story(alice, community=community, tags=["Rain"])
        make_story(bob, community=community, tags=["Rain", "Snow"])
    with committed():
        story_delete(story=story, by=alice)
    assert community_count(community) == 1
    assert tag_counts() == {"Rain": 1, "Snow": 1}
    with committed():
        bob.delete()  # the cascade deletes his stories one by one, with signals
    assert community_count(community) == 0
    assert tag_counts() == {"Rain": 0, "Snow": 0}


def test_autosaves_of_drafts_recount_nothing(committed, alice, community, mars):
    with committed():
        draft = make_story(alice, community=community, status="draft", tags=["Rain"])
    draft = Story.objects.get(pk=draft.pk)
    with committed(), CaptureQueriesContext(connection) as queries:
        story_update(story=draft, by=alice, body="More words.", community=mars, autosave=True)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "story_count" not in sql
    assert '"status", "stories_story"."community_id"' not in sql  # no pre-save look-up


def test_counter_updates_recount_nothing(committed, alice, community):
    with committed():
        story = make_story(alice, community=community)
    with committed(), CaptureQueriesContext(connection) as queries:
        story.like_count = 3
        story.save(update_fields=["like_count"])
    assert "story_count" not in " ".join(q["sql"] for q in queries.captured_queries)


def test_recount_all_repairs_writes_that_sent_no_signals(committed, alice, community, mars):
    with committed():
        make_story(alice, community=community, tags=["Rain"])
        make_story(alice, community=mars, tags=["Rain", "Snow"])
    Story.objects.filter(community=mars).update(status=Story.Status.DRAFT)
    Story.objects.filter(community=community).update(community=mars)
    assert stored_counts() != true_counts()
    counts.recount_all()
    assert stored_counts() == true_counts()
    assert (community_count(community), community_count(mars)) == (0, 1)


def test_reindex_recounts(committed, alice, community):
    with committed():
        make_story(alice, community=community, tags=["Rain"])
    Community.objects.update(story_count=7)
    Tag.objects.update(story_count=7)
    call_command("reindex")
    assert stored_counts() == true_counts()


def test_recount_of_a_few_ids_is_one_update_per_table(alice, community, mars):
    make_story(alice, community=community, tags=["Rain"])
    with CaptureQueriesContext(connection) as queries:
        counts.recount(
            community_ids=[community.pk, mars.pk, None],
            tag_ids=Tag.objects.values_list("pk", flat=True),
        )
    assert len(queries) == 3  # the tag ids, then one UPDATE each
    assert stored_counts() == true_counts()


def test_the_data_migration_fills_the_counts(alice, bob, community, mars):
    make_story(alice, community=community, tags=["Rain", "Snow"])
    make_story(bob, community=community, tags=["Rain"])
    make_story(bob, community=mars, status="draft", tags=["Hail"])
    Community.objects.update(story_count=0)
    Tag.objects.update(story_count=0)
    migration = importlib.import_module("byline.stories.migrations.0006_fill_story_counts")
    migration.fill_counts(apps, SimpleNamespace(connection=connection))
    assert (community_count(community), community_count(mars)) == (2, 0)
    assert tag_counts() == {"Rain": 2, "Snow": 1, "Hail": 0}


def test_selectors_read_the_columns(committed, alice, bob, community, mars):
    with committed():
        make_story(alice, community=community, tags=["Rain", "Snow"])
        make_story(bob, community=community, tags=["Rain"])
        make_story(bob, status="draft", tags=["Hail"])
    by_name = {c.name: c.story_count for c in communities_with_counts()}
    assert by_name == {"Earth": 2, "Mars": 0}
    assert [(t.name, t.story_count) for t in tags_popular()] == [("Rain", 2), ("Snow", 1)]
    assert len(tags_popular(limit=1)) == 1


def test_the_communities_page_shows_the_counts(client, committed, alice, community, mars):
    with committed():
        make_story(alice, community=community)
        make_story(alice, community=community)
        make_story(alice, community=mars, status="draft")
    html = client.get("/communities/").content.decode()
    assert "2 stories" in html and "0 stories" in html


def test_explore_and_communities_cost_the_same_at_any_number_of_stories(
    client, committed, alice, community, settings
):
    # A cache of this test's own: a shared Redis emptied by another test worker between the
    # warm-up and the measure would change the count, not the code.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    def cost(url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    with committed():
        make_story(alice, community=community, tags=["t0"])
    before = {url: cost(url) for url in ["/explore/", "/communities/"]}
    with committed():
        for n in range(30):
            make_story(alice, community=community, tags=[f"t{n}", f"u{n % 3}"])
    after = {url: cost(url) for url in ["/explore/", "/communities/"]}
    assert before == after
    html = client.get("/explore/").content.decode()
    assert "31 stories" in html


def test_explore_query_count_is_bounded(
    client, committed, alice, community, django_assert_max_num_queries
):
    with committed():
        for n in range(20):
            make_story(alice, community=community, tags=[f"t{n}", "common"])
    with django_assert_max_num_queries(7):
        client.get("/explore/")
