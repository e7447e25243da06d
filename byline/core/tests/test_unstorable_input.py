"""Text no database can store (a NUL: PostgreSQL refuses it in text; SQLite would keep it and
hand it to every page, feed and export) is refused at the door with a clear 400 page, on every
site address, form and query, before any view or query sees it; nothing is changed. The API
refuses it in its own parser with its JSON error (byline.api.parser)."""

from __future__ import annotations

import pytest

from byline.comments.models import Comment
from byline.conftest import make_story
from byline.moderation.models import Report
from byline.stories.models import Story

pytestmark = pytest.mark.django_db

NUL = "a\x00b"


@pytest.fixture
def story(alice, community):
    return make_story(alice, title="Tides", community=community, tags=["Sea"])


def requests_with_a_nul(story):
    """(method, address, form data): writes and reads, in every place text comes in."""
    return [
        ("post", "/write/", {"title": NUL, "body": "x", "action": "save"}),
        ("post", "/write/", {"title": "ok", "body": f"Body {NUL}", "action": "save"}),
        ("post", "/write/autosave/", {"title": NUL, "body": "x"}),
        ("post", f"/write/{story.pk}/", {"title": NUL, "body": "x", "action": "save"}),
        ("post", f"/stories/{story.pk}/comments/", {"body": NUL}),
        ("post", f"/report/story/{story.pk}/", {"reason": "spam", "details": NUL}),
        ("post", "/settings/profile/", {"display_name": NUL, "handle": "alice", "bio": "x"}),
        ("post", "/accounts/login/", {"login": NUL, "password": NUL}),
        ("post", f"/stories/{story.pk}/comments/", {NUL: "x", "body": "fine"}),
        ("get", "/write/tags/?tags=" + NUL, None),
        ("get", "/search/?q=" + NUL, None),
        ("get", "/search/?q=x&tag=" + NUL, None),
        ("get", "/explore/?after=" + NUL, None),
        ("get", "/@" + NUL, None),
        ("get", "/@" + NUL + "/feed.rss", None),
        ("get", "/@alice/" + NUL, None),
        ("get", "/@" + NUL + "/followers/", None),
        ("get", "/c/earth/?after=" + NUL, None),
        ("get", "/accounts/login/?next=/" + NUL, None),
    ]


def test_a_nul_anywhere_gets_a_clear_400_and_changes_nothing(client, alice, story):
    client.force_login(alice)
    stories, comments, reports = (
        Story.objects.count(),
        Comment.objects.count(),
        Report.objects.count(),
    )
    for method, url, data in requests_with_a_nul(story):
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code == 400, (method, url, response.status_code)
        assert "cannot be saved or searched" in response.content.decode(), url
    assert Story.objects.count() == stories
    assert (Comment.objects.count(), Report.objects.count()) == (comments, reports)
    story.refresh_from_db()
    alice.refresh_from_db()
    assert (story.title, alice.display_name) == ("Tides", "Alice Archer")


def test_anonymous_visitors_get_the_same_answer(client, story):
    for url in ("/search/?q=" + NUL, "/@" + NUL, "/accounts/signup/?next=" + NUL):
        response = client.get(url)
        assert response.status_code == 400, url


def test_the_api_keeps_its_own_json_answer(client, alice):
    response = client.get("/api/v1/search", {"q": NUL})
    assert response.status_code == 400 and response.json()["code"] == "bad_request"


def test_other_control_characters_are_text_and_every_page_shows_them(client, alice, story):
    """Control characters other than NUL can be stored (and are cleaned where XML needs it):
    pages, the API and feeds answer, whoever wrote them."""
    client.force_login(alice)
    response = client.post(
        "/write/", {"title": "Bell\x07 tide", "body": "Vertical\x0btab", "action": "save"}
    )
    assert response.status_code in (200, 302)
    saved = Story.objects.get(title="Bell\x07 tide")
    Story.objects.filter(pk=saved.pk).update(status="published", published_at=story.published_at)
    for url in (
        saved.get_absolute_url(),
        f"/api/v1/stories/{saved.pk}",
        "/api/v1/stories",
        "/@alice",
        "/feeds/latest.rss",
        "/@alice/feed.atom",
    ):
        assert client.get(url).status_code == 200, url
