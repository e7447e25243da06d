"""Comments, insights and notifications through the API, for the whole cast."""

from __future__ import annotations

import pytest
from django.db import connection

from byline.comments.models import Comment
from byline.comments.services import comment_create
from byline.conftest import make_story
from byline.insights.models import Insight, Rating
from byline.social.models import Notification
from byline.social.services import notification_create
from byline.stories.models import Story

pytestmark = pytest.mark.django_db


def as_(tokens, who):
    return None if who == "anonymous" else tokens[who]


# --- Comments -----------------------------------------------------------------------------


def test_it_lists_comments_oldest_first_without_hidden_ones(api, story, bob, dave, tokens):
    first = comment_create(story=story, author=bob, body="First!")
    comment_create(story=story, author=dave, body="A reply", parent=first)
    hidden = comment_create(story=story, author=dave, body="Spam")
    Comment.objects.filter(pk=hidden.pk).update(is_hidden=True)
    items = api.get(f"/stories/{story.pk}/comments").json()["items"]
    assert [(c["body"], c["parent"]) for c in items] == [("First!", None), ("A reply", first.pk)]
    # Moderators see hidden comments too.
    assert len(api.get(f"/stories/{story.pk}/comments", token=tokens["carol"]).json()["items"]) == 3


def test_it_hides_comments_of_drafts(api, alice, bob, tokens):
    draft = make_story(alice)
    comment = comment_create(story=draft, author=bob, body="Said while it was published")
    Story.objects.filter(pk=draft.pk).update(status="draft")
    assert api.get(f"/stories/{draft.pk}/comments", token=tokens["bob"]).status_code == 404
    assert api.get(f"/comments/{comment.pk}", token=tokens["bob"]).status_code == 404


def test_it_lists_comments_without_n_plus_one(api, story, bob, dave, django_assert_max_num_queries):
    for n in range(10):
        comment_create(story=story, author=bob if n % 2 else dave, body=f"c{n}")
    with django_assert_max_num_queries(5):
        assert len(api.get(f"/stories/{story.pk}/comments").json()["items"]) == 10


@pytest.mark.usefixtures("no_comment_limits")
def test_it_pages_comments(api, story, bob):
    for n in range(55):
        comment_create(story=story, author=bob, body=f"c{n}")
    first = api.get(f"/stories/{story.pk}/comments").json()
    second = api.get(f"/stories/{story.pk}/comments?cursor={first['next_cursor']}").json()
    assert len(first["items"]) == 50 and len(second["items"]) == 5
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("mallory", 403), ("bob", 201), ("alice", 201), ("carol", 201)],
)
def test_it_lets_writers_comment(api, tokens, story, who, status):
    response = api.post(f"/stories/{story.pk}/comments", {"body": "Nice"}, token=as_(tokens, who))
    assert response.status_code == status
    assert Comment.objects.filter(story=story).count() == (1 if status == 201 else 0)


def test_it_escapes_comment_markup(api, tokens, story):
    response = api.post(
        f"/stories/{story.pk}/comments",
        {"body": "<img src=x onerror=alert(1)> hi"},
        token=tokens["bob"],
    )
    assert "<img" not in response.json()["body_html"]
    assert "&lt;img" in response.json()["body_html"]


def test_it_refuses_comments_when_closed_or_on_drafts(api, tokens, alice, story):
    story.comments_enabled = False
    story.save(update_fields=["comments_enabled"])
    assert (
        api.post(f"/stories/{story.pk}/comments", {"body": "x"}, token=tokens["bob"]).status_code
        == 403
    )
    draft = make_story(alice, status="draft")
    assert (
        api.post(f"/stories/{draft.pk}/comments", {"body": "x"}, token=tokens["bob"]).status_code
        == 404
    )
    assert not Comment.objects.exists()


def test_it_replies_only_within_the_same_story(api, tokens, alice, story, bob):
    parent = comment_create(story=story, author=bob, body="Parent")
    other = make_story(alice, title="Other")
    stranger = comment_create(story=other, author=bob, body="Elsewhere")
    ok = api.post(
        f"/stories/{story.pk}/comments",
        {"body": "Reply", "parent": parent.pk},
        token=tokens["dave"],
    )
    assert ok.status_code == 201 and ok.json()["parent"] == parent.pk
    bad = api.post(
        f"/stories/{story.pk}/comments",
        {"body": "Reply", "parent": stranger.pk},
        token=tokens["dave"],
    )
    assert bad.status_code == 422 and bad.json()["field"] == "parent"


def test_it_refuses_an_empty_comment_naming_the_field(api, tokens, story):
    response = api.post(f"/stories/{story.pk}/comments", {"body": "   "}, token=tokens["bob"])
    assert response.status_code == 422
    assert response.json()["field"] == "body"


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("alice", 403), ("carol", 403), ("mallory", 403), ("bob", 200)],
)
def test_only_its_author_edits_a_comment(api, tokens, story, bob, who, status):
    comment = comment_create(story=story, author=bob, body="Before")
    response = api.patch(f"/comments/{comment.pk}", {"body": "After"}, token=as_(tokens, who))
    assert response.status_code == status
    comment.refresh_from_db()
    assert comment.body == ("After" if status == 200 else "Before")
    assert (comment.edited_at is not None) == (status == 200)


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("alice", 403), ("carol", 403), ("mallory", 403), ("bob", 204)],
)
def test_only_its_author_deletes_a_comment(api, tokens, story, bob, who, status):
    # Moderators hide or remove comments through moderation (with its audit log), not here.
    comment = comment_create(story=story, author=bob, body="Words")
    response = api.delete(f"/comments/{comment.pk}", token=as_(tokens, who))
    assert response.status_code == status
    still_there = Comment.objects.filter(pk=comment.pk, is_deleted=False).exists()
    assert still_there == (status != 204)
    assert api.get(f"/comments/{comment.pk}").status_code == (200 if still_there else 404)


def test_a_deleted_comment_with_replies_keeps_its_place_without_its_words(api, tokens, story, bob):
    parent = comment_create(story=story, author=bob, body="Words")
    comment_create(story=story, author=story.author, body="Reply", parent=parent)
    assert api.delete(f"/comments/{parent.pk}", token=tokens["bob"]).status_code == 204
    shown = api.get(f"/comments/{parent.pk}").json()
    assert shown["is_deleted"] and shown["body"] == "" and shown["author"] is None
    assert api.delete(f"/comments/{parent.pk}", token=tokens["bob"]).status_code == 403


# --- Insights -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("mallory", 403), ("alice", 403), ("bob", 200), ("carol", 200)],
)
def test_readers_but_not_the_author_give_insights(api, tokens, story, who, status):
    response = api.post(
        f"/stories/{story.pk}/insights", {"kind": "eye_opening"}, token=as_(tokens, who)
    )
    assert response.status_code == status
    assert Insight.objects.filter(story=story).count() == (1 if status == 200 else 0)
    story.refresh_from_db()
    assert story.insight_count == (1 if status == 200 else 0)


def test_insights_count_once_per_reader_and_can_be_taken_back(api, tokens, story):
    for _ in range(2):
        api.post(f"/stories/{story.pk}/insights", {"kind": "heartfelt"}, token=tokens["bob"])
    api.post(f"/stories/{story.pk}/insights", {"kind": "heartfelt"}, token=tokens["dave"])
    data = api.get(f"/stories/{story.pk}/insights", token=tokens["bob"]).json()
    assert data["insights"][0]["key"] == "heartfelt" and data["insights"][0]["count"] == 2
    assert data["your_insights"] == ["heartfelt"]
    response = api.delete(f"/stories/{story.pk}/insights/heartfelt", token=tokens["bob"])
    assert response.json()["insights"][0]["count"] == 1
    story.refresh_from_db()
    assert story.insight_count == 1


def test_a_rating_is_one_per_reader_changeable_and_removable(api, tokens, story):
    api.put(f"/stories/{story.pk}/rating", {"value": "nice_work"}, token=tokens["bob"])
    data = api.put(
        f"/stories/{story.pk}/rating", {"value": "outstanding"}, token=tokens["bob"]
    ).json()
    assert data["top_rating"] == "outstanding" and data["your_rating"] == "outstanding"
    assert Rating.objects.filter(story=story).count() == 1
    data = api.delete(f"/stories/{story.pk}/rating", token=tokens["bob"]).json()
    assert data["ratings"] == [] and data["your_rating"] is None


def test_unknown_insight_labels_are_422(api, tokens, story):
    response = api.post(f"/stories/{story.pk}/insights", {"kind": "meh"}, token=tokens["bob"])
    assert response.status_code == 422 and response.json()["field"] == "kind"
    response = api.put(f"/stories/{story.pk}/rating", {"value": "meh"}, token=tokens["bob"])
    assert response.status_code == 422 and response.json()["field"] == "value"


def test_insights_of_drafts_are_404(api, tokens, alice):
    draft = make_story(alice, status="draft")
    assert api.get(f"/stories/{draft.pk}/insights", token=tokens["bob"]).status_code == 404
    response = api.post(f"/stories/{draft.pk}/insights", {"kind": "heartfelt"}, token=tokens["bob"])
    assert response.status_code == 404


# --- Notifications ------------------------------------------------------------------------


def test_notifications_are_private_and_marked_read_by_their_recipient(
    api, tokens, alice, bob, story
):
    mine = notification_create(
        recipient=alice, kind="comment", actor=bob, story=story, message="Hi"
    )
    assert api.get("/notifications", token=tokens["bob"]).json()["items"] == []
    items = api.get("/notifications", token=tokens["alice"]).json()["items"]
    assert [(n["id"], n["read_at"]) for n in items] == [(mine.pk, None)]

    assert api.post(f"/notifications/{mine.pk}/read", token=tokens["bob"]).status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None
    assert api.post(f"/notifications/{mine.pk}/read", token=tokens["alice"]).json() == {"count": 1}
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_marking_all_read_touches_only_the_callers(api, tokens, alice, bob, dave):
    notification_create(recipient=alice, kind="follow", actor=bob)
    notification_create(recipient=alice, kind="follow", actor=dave)
    theirs = notification_create(recipient=bob, kind="follow", actor=dave)
    assert api.post("/notifications/read", token=tokens["alice"]).json() == {"count": 2}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()


def test_a_suspended_reader_still_reads_notifications(api, tokens, mallory, bob):
    notification_create(recipient=mallory, kind="follow", actor=bob)
    assert len(api.get("/notifications", token=tokens["mallory"]).json()["items"]) == 1
    assert api.post("/notifications/read", token=tokens["mallory"]).status_code == 200


def test_the_other_lists_make_a_fixed_number_of_queries(
    api, tokens, alice, bob, dave, community, django_assert_max_num_queries
):
    from byline.communities.models import Community

    for n in range(6):
        story = make_story(alice, title=f"S{n}", community=community, tags=[f"T{n}", "Common"])
        notification_create(
            recipient=alice, kind="comment", actor=bob if n % 2 else dave, story=story
        )
        Community.objects.create(name=f"C{n}", slug=f"c{n}")
    for path, count in (
        ("/notifications", 6),
        ("/communities", 7),
        ("/tags", 7),
        ("/me/stories", 6),
        ("/creators/alice/stories", 6),
        ("/search?q=common", 6),  # the tag every story has
    ):
        # Token, list, prefetch (and the token's last-use update once): an N+1 would add 6.
        # Search on PostgreSQL first reads the query's words (to pick its plan): one more.
        bound = 5 if path.startswith("/search") and connection.vendor == "postgresql" else 4
        with django_assert_max_num_queries(bound):
            response = api.get(path, token=tokens["alice"])
        assert len(response.json()["items"]) == count, path
