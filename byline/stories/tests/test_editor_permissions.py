"""Nobody but the author can open, change or act on a story through any editor endpoint, and
nobody but the author and moderators can read a story that is not published."""

import pytest
from django.urls import reverse

from byline.accounts.models import User
from byline.conftest import image_file, make_story
from byline.stories.models import Story, StoryImage

pytestmark = pytest.mark.django_db

INTRUDERS = ["anonymous", "bob", "carol", "dave", "mallory"]


def _login(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))


def _endpoints(story):
    revision = story.revisions.first()
    return [
        ("get", reverse("stories:edit", args=[story.pk]), {}),
        ("post", reverse("stories:edit", args=[story.pk]), {"title": "Hacked", "body": "x"}),
        ("post", reverse("stories:autosave", args=[story.pk]), {"title": "Hacked", "body": "x"}),
        ("post", reverse("stories:submit", args=[story.pk]), {}),
        ("get", reverse("stories:unpublish", args=[story.pk]), {}),
        ("post", reverse("stories:unpublish", args=[story.pk]), {}),
        ("get", reverse("stories:delete", args=[story.pk]), {}),
        ("post", reverse("stories:delete", args=[story.pk]), {}),
        ("get", reverse("stories:revisions", args=[story.pk]), {}),
        ("get", reverse("stories:revision", args=[story.pk, revision.pk]), {}),
        ("post", reverse("stories:revision_restore", args=[story.pk, revision.pk]), {}),
    ]


def _state(story):
    story = Story.objects.filter(pk=story.pk).first()
    if story is None:
        return None
    return (story.title, story.body, story.status, story.updated_at, story.revisions.count())


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "published"])
@pytest.mark.parametrize("who", INTRUDERS)
def test_it_refuses_every_editor_endpoint_to_anyone_but_the_author(
    client, request, alice, community, status, who
):
    story = make_story(alice, status=status, title="Alice's own", community=community)
    before = _state(story)
    _login(client, request, who)
    for method, url, data in _endpoints(story):
        response = getattr(client, method)(url, data)
        if who == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/"), url
        else:
            assert response.status_code == 404, (method, url, response.status_code)
        assert b"Alice&#x27;s own" not in response.content
    assert _state(story) == before


@pytest.mark.parametrize("who", ["anonymous", "bob", "dave", "mallory"])
@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_it_hides_unpublished_stories_from_readers(client, request, alice, status, who):
    story = make_story(alice, status=status, title="Secret plans")
    _login(client, request, who)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 404
    assert b"Secret plans" not in response.content


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_the_author_and_moderators_can_read_a_draft(client, request, alice, carol, who):
    story = make_story(alice, status="rejected", title="Secret plans")
    client.force_login(request.getfixturevalue(who))
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert b"Secret plans" in response.content


def test_a_suspended_author_cannot_write_edit_submit_or_upload(client, mallory):
    suspended_at = mallory.suspended_at
    User.objects.filter(pk=mallory.pk).update(suspended_at=None)
    mallory.suspended_at = None
    story = make_story(mallory, status="draft", title="Before the suspension")
    User.objects.filter(pk=mallory.pk).update(suspended_at=suspended_at)
    before = _state(story)
    client.force_login(mallory)
    attempts = [
        client.get(reverse("stories:write")),
        client.post(reverse("stories:write"), {"title": "New", "body": "text"}),
        client.post(reverse("stories:autosave_new"), {"title": "New", "body": "text"}),
        client.get(reverse("stories:edit", args=[story.pk])),
        client.post(reverse("stories:edit", args=[story.pk]), {"title": "Changed", "body": "x"}),
        client.post(reverse("stories:autosave", args=[story.pk]), {"title": "Changed"}),
        client.post(reverse("stories:submit", args=[story.pk])),
        client.post(reverse("stories:delete", args=[story.pk])),
        client.post(reverse("stories:image_upload"), {"image": image_file()}),
    ]
    for response in attempts:
        assert response.status_code == 403
        assert b"suspended" in response.content
    assert _state(story) == before
    assert Story.objects.filter(author=mallory).count() == 1
    assert not StoryImage.objects.exists()


def test_moderation_pages_are_for_moderators_only(client, request, alice, bob, dave, mallory):
    story = make_story(alice, status="submitted")
    urls = [
        ("get", reverse("moderation:queue")),
        ("get", reverse("moderation:log")),
        ("get", reverse("moderation:review", args=[story.pk])),
        ("post", reverse("moderation:approve", args=[story.pk])),
        ("post", reverse("moderation:reject", args=[story.pk])),
    ]
    for who in ["anonymous", "alice", "bob", "dave", "mallory"]:
        client.logout()
        _login(client, request, who)
        for method, url in urls:
            response = getattr(client, method)(url, {"preset": "spam", "note": "no"})
            expected = 302 if who == "anonymous" else 403
            assert response.status_code == expected, (who, url)
    story.refresh_from_db()
    assert story.status == Story.Status.SUBMITTED


def test_anonymous_visitors_are_sent_to_sign_in_from_every_writing_page(client):
    for method, url in [
        ("get", reverse("stories:write")),
        ("post", reverse("stories:write")),
        ("post", reverse("stories:autosave_new")),
        ("get", reverse("stories:tag_suggest")),
        ("get", reverse("stories:image_upload")),
        ("post", reverse("stories:image_upload")),
        ("get", reverse("stories:mine")),
    ]:
        response = getattr(client, method)(url, {"title": "x", "body": "y"})
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=")
    assert not Story.objects.exists()
    assert not StoryImage.objects.exists()


def test_the_editor_and_autosave_refuse_get_and_wrong_methods(client, alice):
    story = make_story(alice, status="draft")
    client.force_login(alice)
    assert client.get(reverse("stories:autosave", args=[story.pk])).status_code == 405
    assert client.get(reverse("stories:submit", args=[story.pk])).status_code == 405
    assert client.get(reverse("stories:revision_restore", args=[story.pk, 1])).status_code == 405
