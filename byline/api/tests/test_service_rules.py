"""The API answers with the owning apps' own rules (stories, comments, insights, search): their
refusals, quotas and state moves come through with the API's error shape and status."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from byline.api.tests.conftest import make_token
from byline.comments.models import Comment
from byline.conftest import make_story, make_user
from byline.moderation.models import ModerationAction
from byline.stories.models import Story
from byline.stories.policies import SUSPENDED_MESSAGE

pytestmark = pytest.mark.django_db


def as_(tokens, who):
    return None if who == "anonymous" else tokens[who]


# --- Quotas and throttles of new accounts: 429 with Retry-After ------------------------------


def test_a_new_account_starts_only_so_many_stories_an_hour(api, settings):
    settings.NEW_ACCOUNT_DAYS = 7
    settings.NEW_ACCOUNT_DRAFTS_PER_HOUR = 2
    newcomer = make_user("newcomer", date_joined=timezone.now() - dt.timedelta(hours=2))
    token = make_token(newcomer)
    for n in range(2):
        assert api.post("/stories", {"title": f"Draft {n}"}, token=token).status_code == 201
    response = api.post("/stories", {"title": "One too many"}, token=token)
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert "at most 2 stories an hour" in response.json()["detail"]
    assert int(response["Retry-After"]) == 3600
    assert Story.objects.filter(author=newcomer).count() == 2


def test_an_established_account_has_no_draft_quota(api, tokens, alice, settings):
    settings.NEW_ACCOUNT_DRAFTS_PER_HOUR = 1
    for n in range(3):  # the cast joined 30 days ago
        assert (
            api.post("/stories", {"title": f"Draft {n}"}, token=tokens["alice"]).status_code == 201
        )


def test_a_day_old_account_is_throttled_when_commenting(api, story, settings):
    settings.COMMENT_NEW_ACCOUNT_HOURS = 24
    settings.COMMENT_NEW_ACCOUNT_LIMIT = 2
    settings.COMMENT_NEW_ACCOUNT_WINDOW_MINUTES = 10
    newcomer = make_user("newcomer", date_joined=timezone.now() - dt.timedelta(hours=3))
    token = make_token(newcomer)
    path = f"/stories/{story.pk}/comments"
    for n in range(2):
        assert api.post(path, {"body": f"Hello {n}"}, token=token).status_code == 201
    response = api.post(path, {"body": "And again"}, token=token)
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) == 600
    assert Comment.objects.filter(author=newcomer).count() == 2


# --- Refusals carry the service's reason -----------------------------------------------------


def test_a_refusal_says_why(api, tokens, story, alice):
    response = api.post(f"/stories/{story.pk}/like", token=tokens["alice"])
    assert response.status_code == 403
    assert response.json() == {"detail": "You cannot like this story.", "code": "forbidden"}
    comment = Comment.objects.create(story=story, author=alice, body="Mine", body_html="<p>M</p>")
    response = api.patch(f"/comments/{comment.pk}", {"body": "Not mine"}, token=tokens["bob"])
    assert response.status_code == 403
    assert response.json()["detail"] == "You can only edit your own comments."


def test_a_suspended_account_is_told_it_is_suspended(api, tokens, story):
    response = api.post(f"/stories/{story.pk}/comments", {"body": "Hi"}, token=tokens["mallory"])
    assert response.status_code == 403 and response.json()["code"] == "suspended"


def test_a_service_refusing_a_suspended_account_gives_the_suspended_code(rf):
    from django.core.exceptions import PermissionDenied

    from byline.api.api import api as ninja_api

    handler = ninja_api._exception_handlers[PermissionDenied]
    answer = handler(rf.get("/api/v1/me"), PermissionDenied(SUSPENDED_MESSAGE))
    assert answer.status_code == 403
    assert json.loads(answer.content) == {"detail": SUSPENDED_MESSAGE, "code": "suspended"}


def test_a_moderator_replying_to_a_hidden_comment_gets_a_422_on_parent(
    api, tokens, story, alice, carol
):
    hidden = Comment.objects.create(
        story=story, author=alice, body="Gone", body_html="<p>Gone</p>", is_hidden=True
    )
    response = api.post(
        f"/stories/{story.pk}/comments",
        {"body": "Reply", "parent": hidden.pk},
        token=tokens["carol"],
    )
    assert response.status_code == 422
    assert response.json()["field"] == "parent"
    assert response.json()["detail"] == "That comment is no longer there to reply to."


def test_a_bad_rating_names_its_field(api, tokens, story):
    response = api.put(f"/stories/{story.pk}/rating", {"value": "superb"}, token=tokens["bob"])
    assert response.status_code == 422 and response.json()["field"] == "value"
    response = api.post(f"/stories/{story.pk}/insights", {"kind": "nope"}, token=tokens["bob"])
    assert response.status_code == 422 and response.json()["field"] == "kind"
    # Who may rate is decided first: the author cannot, whatever the value.
    response = api.put(f"/stories/{story.pk}/rating", {"value": "superb"}, token=tokens["alice"])
    assert response.status_code == 403


def test_submitting_an_empty_story_is_a_422_on_body(api, tokens, alice, settings):
    settings.REVIEW = True
    draft = make_story(alice, status="draft", body="")
    response = api.post(f"/stories/{draft.pk}/submit", token=tokens["alice"])
    assert response.status_code == 422 and response.json()["field"] == "body"


# --- Moderators: approve and reject, 409 for impossible moves --------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("bob", 404), ("mallory", 403), ("alice", 403), ("carol", 200)],
)
def test_only_a_moderator_rejects_a_submitted_story(api, tokens, alice, who, status, settings):
    settings.REVIEW = True
    submitted = make_story(alice, status="submitted")
    response = api.post(
        f"/stories/{submitted.pk}/reject", {"reason": "Needs a source."}, token=as_(tokens, who)
    )
    assert response.status_code == status
    submitted.refresh_from_db()
    assert submitted.status == ("rejected" if status == 200 else "submitted")
    rejections = ModerationAction.objects.filter(action="reject", target_id=submitted.pk)
    assert rejections.count() == (1 if status == 200 else 0)
    if status == 200:
        assert response.json()["rejection_reason"] == "Needs a source."


def test_a_rejection_needs_a_reason(api, tokens, alice, settings):
    settings.REVIEW = True
    submitted = make_story(alice, status="submitted")
    for body in (None, {"reason": "   "}):
        response = api.post(f"/stories/{submitted.pk}/reject", body, token=tokens["carol"])
        assert response.status_code == 422 and response.json()["field"] == "reason"
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


@pytest.mark.parametrize("state", ["draft", "rejected", "published"])
def test_a_moderator_cannot_approve_or_reject_what_is_not_submitted(
    api, tokens, alice, state, settings
):
    settings.REVIEW = True
    story = make_story(alice, status=state)
    assert api.post(f"/stories/{story.pk}/publish", token=tokens["carol"]).status_code == 409
    response = api.post(f"/stories/{story.pk}/reject", {"reason": "No"}, token=tokens["carol"])
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    story.refresh_from_db()
    assert story.status == state


def test_an_author_rejecting_their_own_draft_is_forbidden_not_a_conflict(
    api, tokens, alice, settings
):
    settings.REVIEW = True
    draft = make_story(alice, status="draft")
    response = api.post(f"/stories/{draft.pk}/reject", {"reason": "No"}, token=tokens["alice"])
    assert response.status_code == 403


def test_a_moderator_does_not_approve_their_own_story(api, tokens, carol, settings):
    settings.REVIEW = True
    own = make_story(carol, status="submitted")
    assert api.post(f"/stories/{own.pk}/publish", token=tokens["carol"]).status_code == 403
    own.refresh_from_db()
    assert own.status == "submitted"


# --- Search: the discovery back-end -----------------------------------------------------------


def test_search_ranks_title_matches_first_and_highlights_them(api, alice):
    make_story(alice, title="Notes from the coast", body="The estuary is where rivers end.")
    make_story(alice, title="The estuary", body="Salt and mud.")
    items = api.get("/search?q=estuary").json()["items"]
    assert [item["title"] for item in items] == ["The estuary", "Notes from the coast"]
    assert items[0]["title_html"] == "The <mark>estuary</mark>"
    assert "<mark>estuary</mark>" in items[1]["snippet_html"]
    assert items[0]["score"] > items[1]["score"]


def test_search_escapes_what_it_highlights(api, alice):
    make_story(alice, title="<script>alert(1)</script> tides")
    item = api.get("/search?q=tides").json()["items"][0]
    assert "<script>" not in item["title_html"] and "&lt;script&gt;" in item["title_html"]


def test_search_filters_and_pages(api, alice, bob, community, settings):
    settings.PAGE_SIZE = 2
    for n in range(3):
        make_story(alice, title=f"Harbour {n}", community=community, tags=["Boats"])
    make_story(bob, title="Harbour elsewhere")
    first = api.get("/search?q=harbour&community=earth").json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = api.get(f"/search?q=harbour&community=earth&cursor={first['next_cursor']}").json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    titles = {i["title"] for i in first["items"] + second["items"]}
    assert titles == {"Harbour 0", "Harbour 1", "Harbour 2"}
    assert [i["title"] for i in api.get("/search?q=harbour&author=bob").json()["items"]] == [
        "Harbour elsewhere"
    ]
    assert len(api.get("/search?q=harbour&tag=boats").json()["items"]) == 2
    for unknown in ("community=mars", "tag=nothing", "author=nobody"):
        assert api.get(f"/search?q=harbour&{unknown}").json()["items"] == []


@pytest.mark.parametrize(
    "query",
    ['"', "NEAR(a b)", "a*", "-", "title:x", "'; drop table x; --", "\x00", "or", "a OR", "^x"],
)
def test_search_takes_any_query(api, alice, query):
    make_story(alice, title="Anything at all")
    response = api.get("/search", data={"q": query})
    assert response.status_code in (200, 400, 422)  # a NUL byte is a 400, as everywhere


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "bjF8OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk", "bjF8LTE", "bmluZnwx", "bm5hbnwx"],
)
def test_search_treats_a_bad_cursor_as_the_first_page(api, alice, cursor):
    make_story(alice, title="Cursor test")
    response = api.get("/search", data={"q": "cursor", "cursor": cursor})
    assert response.status_code == 200
    assert [i["title"] for i in response.json()["items"]] == ["Cursor test"]
