"""Likes and follows through the API, for the whole cast, over byline.social's services."""

from __future__ import annotations

import pytest

from byline.conftest import make_story

pytestmark = pytest.mark.django_db


def as_(tokens, who):
    return None if who == "anonymous" else tokens[who]


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("mallory", 403), ("alice", 403), ("bob", 200), ("carol", 200)],
)
def test_readers_but_not_the_author_like_a_story(api, tokens, story, who, status):
    response = api.post(f"/stories/{story.pk}/like", token=as_(tokens, who))
    assert response.status_code == status
    story.refresh_from_db()
    assert story.like_count == (1 if status == 200 else 0)
    if status == 200:
        assert response.json() == {"liked": True, "like_count": 1}


def test_a_like_counts_once_and_can_be_taken_back(api, tokens, story):
    api.post(f"/stories/{story.pk}/like", token=tokens["bob"])
    assert api.post(f"/stories/{story.pk}/like", token=tokens["bob"]).json()["like_count"] == 1
    response = api.delete(f"/stories/{story.pk}/like", token=tokens["bob"])
    assert response.json() == {"liked": False, "like_count": 0}


def test_drafts_cannot_be_liked(api, tokens, alice):
    draft = make_story(alice, status="draft")
    assert api.post(f"/stories/{draft.pk}/like", token=tokens["bob"]).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("mallory", 403), ("alice", 403), ("bob", 200), ("carol", 200)],
)
def test_others_follow_a_creator_but_not_themselves(api, tokens, alice, who, status):
    from byline.social.models import Follow

    response = api.post("/creators/alice/follow", token=as_(tokens, who))
    assert response.status_code == status
    assert Follow.objects.filter(creator=alice).count() == (1 if status == 200 else 0)


def test_following_a_creator_and_a_community_can_be_undone(api, tokens, alice, community):
    from byline.social.models import Follow

    assert api.post("/creators/alice/follow", token=tokens["bob"]).json() == {"following": True}
    assert api.delete("/creators/alice/follow", token=tokens["bob"]).json() == {"following": False}
    assert api.post("/communities/earth/follow", token=tokens["bob"]).json() == {"following": True}
    assert Follow.objects.filter(community=community).count() == 1
    assert api.delete("/communities/earth/follow", token=tokens["bob"]).json() == {
        "following": False
    }
    assert api.post("/communities/mars/follow", token=tokens["bob"]).status_code == 404
    assert api.post("/creators/nobody/follow", token=tokens["bob"]).status_code == 404
