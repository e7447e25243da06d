"""Stories through the API: reads, filters, pages, and the permission matrix of the life cycle
for the whole cast (anonymous, reader bob, author alice, moderator carol, suspended mallory)."""

from __future__ import annotations

import pytest

from byline.conftest import make_story
from byline.moderation.models import ModerationAction
from byline.social.models import Notification
from byline.stories.models import Story, StoryRevision

pytestmark = pytest.mark.django_db

CAST = ["anonymous", "bob", "alice", "carol", "mallory"]


def as_(tokens, who):
    return None if who == "anonymous" else tokens[who]


# --- Reads --------------------------------------------------------------------------------


def test_it_lists_published_stories_only(api, alice, story):
    make_story(alice, title="Secret draft", status="draft")
    make_story(alice, title="Waiting", status="submitted")
    titles = [item["title"] for item in api.get("/stories").json()["items"]]
    assert titles == ["The River Remembers"]


def test_it_filters_by_community_tag_and_author(api, alice, bob, story, community):
    make_story(bob, title="Bob's", tags=["Fire"])
    assert [i["title"] for i in api.get("/stories?community=earth").json()["items"]] == [
        "The River Remembers"
    ]
    assert [i["title"] for i in api.get("/stories?tag=fire").json()["items"]] == ["Bob's"]
    assert [i["title"] for i in api.get("/stories?author=bob").json()["items"]] == ["Bob's"]
    assert api.get("/stories?tag=nothing-here").json() == {"items": [], "next_cursor": None}


def test_it_pages_with_a_cursor_without_gaps_or_repeats(api, alice, settings):
    settings.PAGE_SIZE = 2
    made = [make_story(alice, title=f"S{n}") for n in range(5)]
    seen, cursor = [], None
    for _ in range(5):
        page = api.get("/stories" + (f"?cursor={cursor}" if cursor else "")).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(story.pk for story in made)
    assert len(seen) == len(set(seen))


def test_it_ignores_a_malformed_cursor(api, story):
    assert len(api.get("/stories?cursor=%%%garbage").json()["items"]) == 1


def test_it_lists_stories_without_n_plus_one(
    api, alice, bob, community, django_assert_max_num_queries
):
    for n in range(8):
        make_story(alice if n % 2 else bob, title=f"S{n}", community=community, tags=["A", "B"])
    with django_assert_max_num_queries(6):
        response = api.get("/stories")
    assert len(response.json()["items"]) == 8


def test_it_returns_a_story_with_its_markdown_and_safe_html(api, alice):
    story = make_story(alice, body="Hello <script>alert(1)</script> **world**")
    data = api.get(f"/stories/{story.pk}").json()
    assert data["body"].startswith("Hello")
    assert "<script>" not in data["body_html"] and "<strong>world</strong>" in data["body_html"]
    assert data["author"]["handle"] == "alice"


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 404), ("bob", 404), ("mallory", 404), ("alice", 200), ("carol", 200)],
)
def test_it_hides_drafts_from_everyone_but_author_and_moderators(api, tokens, alice, who, status):
    draft = make_story(alice, title="Draft", status="draft")
    response = api.get(f"/stories/{draft.pk}", token=as_(tokens, who))
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"detail": "No such story.", "code": "not_found"}


def test_it_lists_the_callers_own_stories_with_drafts(api, tokens, alice, bob):
    make_story(alice, title="Mine", status="draft")
    make_story(bob, title="Not mine", status="draft")
    assert [i["title"] for i in api.get("/me/stories", token=tokens["alice"]).json()["items"]] == [
        "Mine"
    ]


def test_it_shows_creators_and_their_published_stories(api, alice, story):
    make_story(alice, title="Hidden", status="draft")
    assert api.get("/creators/alice").json()["bio"] == "Writes about rivers."
    titles = [i["title"] for i in api.get("/creators/alice/stories").json()["items"]]
    assert titles == ["The River Remembers"]
    assert api.get("/creators/nobody").status_code == 404


def test_it_shows_communities_and_tags(api, story):
    assert api.get("/communities").json()["items"][0]["slug"] == "earth"
    assert api.get("/communities/earth").json()["name"] == "Earth"
    assert [t["slug"] for t in api.get("/tags").json()["items"]] == ["nature", "water"]
    assert api.get("/tags/water").json()["name"] == "Water"
    assert api.get("/tags/fire").status_code == 404
    assert api.get("/communities/mars").status_code == 404


# --- Create and edit ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("mallory", 403), ("bob", 201), ("alice", 201), ("carol", 201)],
)
def test_it_creates_drafts_for_writers_only(api, tokens, community, who, status):
    response = api.post(
        "/stories",
        {"title": "New one", "body": "Words.", "community": "earth", "tags": ["Sea", "Salt"]},
        token=as_(tokens, who),
    )
    assert response.status_code == status
    assert Story.objects.filter(title="New one").count() == (1 if status == 201 else 0)
    if status == 201:
        data = response.json()
        assert data["status"] == "draft" and data["author"]["handle"] == who
        assert data["community"]["slug"] == "earth"
        assert sorted(t["name"] for t in data["tags"]) == ["Salt", "Sea"]


def test_it_refuses_an_unknown_community_naming_the_field(api, tokens):
    response = api.post("/stories", {"title": "T", "community": "mars"}, token=tokens["alice"])
    assert response.status_code == 422
    assert response.json()["field"] == "community"


def test_it_refuses_more_than_five_tags(api, tokens):
    tags = ["a", "b", "c", "d", "e", "f"]
    response = api.post("/stories", {"title": "T", "tags": tags}, token=tokens["alice"])
    assert response.status_code == 422
    assert response.json()["field"] == "tags"


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("bob", 404), ("mallory", 403), ("carol", 403), ("alice", 200)],
)
def test_only_the_author_edits_a_draft(api, tokens, alice, who, status):
    draft = make_story(alice, title="Before", status="draft")
    response = api.patch(f"/stories/{draft.pk}", {"title": "After"}, token=as_(tokens, who))
    assert response.status_code == status
    draft.refresh_from_db()
    assert draft.title == ("After" if status == 200 else "Before")


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("bob", 403), ("mallory", 403), ("carol", 403), ("alice", 200)],
)
def test_only_the_author_edits_a_published_story(api, tokens, story, who, status):
    response = api.patch(f"/stories/{story.pk}", {"subtitle": "Changed"}, token=as_(tokens, who))
    assert response.status_code == status
    story.refresh_from_db()
    assert (story.subtitle == "Changed") == (status == 200)


def test_an_edit_changes_only_what_was_sent_and_keeps_a_revision(api, tokens, story):
    revisions = StoryRevision.objects.filter(story=story).count()
    response = api.patch(
        f"/stories/{story.pk}",
        {"body": "New **body**", "tags": ["Rain"], "community": None},
        token=tokens["alice"],
    )
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "The River Remembers"
    assert "<strong>body</strong>" in data["body_html"]
    assert [t["name"] for t in data["tags"]] == ["Rain"] and data["community"] is None
    assert StoryRevision.objects.filter(story=story).count() == revisions + 1


def test_a_slug_change_keeps_the_old_address_and_conflicts_are_409(api, tokens, alice, story):
    other = make_story(alice, title="Other")
    response = api.patch(f"/stories/{story.pk}", {"slug": other.slug}, token=tokens["alice"])
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    response = api.patch(f"/stories/{story.pk}", {"slug": "a-new-name"}, token=tokens["alice"])
    assert response.status_code == 200 and response.json()["slug"] == "a-new-name"


# --- Life cycle -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("bob", 404), ("mallory", 403), ("carol", 403), ("alice", 200)],
)
def test_only_the_author_submits(api, tokens, alice, who, status, settings):
    settings.REVIEW = True
    draft = make_story(alice, status="draft")
    response = api.post(f"/stories/{draft.pk}/submit", token=as_(tokens, who))
    assert response.status_code == status
    draft.refresh_from_db()
    assert draft.status == ("submitted" if status == 200 else "draft")


def test_submitting_twice_is_a_conflict(api, tokens, alice, settings):
    settings.REVIEW = True
    submitted = make_story(alice, status="submitted")
    response = api.post(f"/stories/{submitted.pk}/submit", token=tokens["alice"])
    assert response.status_code == 409


def test_without_review_submitting_publishes(api, tokens, alice, settings):
    settings.REVIEW = False
    draft = make_story(alice, status="draft")
    response = api.post(f"/stories/{draft.pk}/submit", token=tokens["alice"])
    assert response.json()["status"] == "published"
    assert response.json()["published_at"] is not None


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("bob", 404), ("mallory", 403), ("alice", 403), ("carol", 200)],
)
def test_only_a_moderator_publishes_a_submitted_story(api, tokens, alice, who, status, settings):
    settings.REVIEW = True
    submitted = make_story(alice, status="submitted")
    response = api.post(f"/stories/{submitted.pk}/publish", token=as_(tokens, who))
    assert response.status_code == status
    submitted.refresh_from_db()
    assert submitted.is_published == (status == 200)
    approvals = ModerationAction.objects.filter(action="approve", target_id=submitted.pk)
    assert approvals.count() == (1 if status == 200 else 0)
    if status == 200:
        assert Notification.objects.filter(recipient=alice, kind="moderation").exists()


def test_the_author_publishes_directly_only_without_review(api, tokens, alice, settings):
    draft = make_story(alice, status="draft")
    settings.REVIEW = True
    assert api.post(f"/stories/{draft.pk}/publish", token=tokens["alice"]).status_code == 403
    settings.REVIEW = False
    response = api.post(f"/stories/{draft.pk}/publish", token=tokens["alice"])
    assert response.status_code == 200 and response.json()["status"] == "published"
    response = api.post(f"/stories/{draft.pk}/publish", token=tokens["alice"])
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("bob", 403), ("mallory", 403), ("alice", 200), ("carol", 200)],
)
def test_the_author_or_a_moderator_unpublishes(api, tokens, story, who, status):
    response = api.post(f"/stories/{story.pk}/unpublish", token=as_(tokens, who))
    assert response.status_code == status
    story.refresh_from_db()
    assert story.is_published == (status != 200)
    logged = ModerationAction.objects.filter(action="unpublish", target_id=story.pk).exists()
    assert logged == (who == "carol")


def test_unpublishing_a_draft_is_a_conflict(api, tokens, alice):
    draft = make_story(alice, status="draft")
    assert api.post(f"/stories/{draft.pk}/unpublish", token=tokens["alice"]).status_code == 409


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("bob", 403), ("mallory", 403), ("carol", 403), ("alice", 204)],
)
def test_only_the_author_deletes(api, tokens, story, who, status):
    response = api.delete(f"/stories/{story.pk}", token=as_(tokens, who))
    assert response.status_code == status
    assert Story.objects.filter(pk=story.pk).exists() == (status != 204)


def test_deleting_someone_elses_draft_is_a_404(api, tokens, alice):
    draft = make_story(alice, status="draft")
    assert api.delete(f"/stories/{draft.pk}", token=tokens["bob"]).status_code == 404
    assert Story.objects.filter(pk=draft.pk).exists()


def test_a_suspended_author_changes_nothing_of_their_own(api, tokens, mallory):
    # Written before the suspension (services refuse a suspended author new stories).
    own = Story.objects.create(author=mallory, title="Mine", slug="mine", body="Words.")
    for method, path in (
        ("patch", f"/stories/{own.pk}"),
        ("post", f"/stories/{own.pk}/submit"),
        ("delete", f"/stories/{own.pk}"),
    ):
        response = api.call(method, path, token=tokens["mallory"], json_body={"title": "X"})
        assert response.status_code == 403
        assert response.json()["code"] == "suspended"
    own.refresh_from_db()
    assert own.title == "Mine" and own.status == "draft"
    # Reading their own draft still works.
    assert api.get(f"/stories/{own.pk}", token=tokens["mallory"]).status_code == 200


# --- Search -------------------------------------------------------------------------------


def test_search_finds_published_stories_with_every_word(api, alice):
    make_story(alice, title="Rivers of salt", body="The estuary at dawn.")
    make_story(alice, title="Salt flats", body="Dry and white.")
    make_story(alice, title="Secret salt estuary", body="Draft.", status="draft")
    titles = [i["title"] for i in api.get("/search?q=salt+estuary").json()["items"]]
    assert titles == ["Rivers of salt"]
    assert api.get("/search?q=nothing-like-this").json()["items"] == []
    assert api.get("/search").status_code == 422


def test_an_edit_with_one_bad_field_changes_nothing(api, tokens, story):
    response = api.patch(
        f"/stories/{story.pk}",
        {"slug": "renamed", "title": "New title", "community": "mars"},
        token=tokens["alice"],
    )
    assert response.status_code == 422 and response.json()["field"] == "community"
    story.refresh_from_db()
    assert story.slug == "the-river-remembers" and story.title == "The River Remembers"
