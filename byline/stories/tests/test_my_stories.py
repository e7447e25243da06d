import pytest
from django.urls import reverse

from byline.conftest import make_story
from byline.stories.models import Story

pytestmark = pytest.mark.django_db


def test_my_stories_lists_each_status_on_its_own_tab(client, alice, bob):
    make_story(alice, status="draft", title="A draft")
    make_story(alice, status="submitted", title="Waiting")
    make_story(alice, status="published", title="Out there")
    rejected = make_story(alice, status="rejected", title="Sent back")
    rejected.rejection_reason = "Needs a real ending."
    rejected.save(update_fields=["rejection_reason"])
    make_story(bob, status="draft", title="Bob's draft")
    client.force_login(alice)
    url = reverse("stories:mine")

    drafts = client.get(url).content.decode()
    assert "A draft" in drafts and "Waiting" not in drafts and "Bob&#x27;s draft" not in drafts
    assert "Waiting" in client.get(url, {"tab": "submitted"}).content.decode()
    assert "Out there" in client.get(url, {"tab": "published"}).content.decode()
    page = client.get(url, {"tab": "rejected"}).content.decode()
    assert "Sent back" in page and "Needs a real ending." in page and "Edit and resubmit" in page


def test_my_stories_has_empty_states(client, dave):
    client.force_login(dave)
    response = client.get(reverse("stories:mine"))
    assert b"No drafts. Every story starts here." in response.content
    response = client.get(reverse("stories:mine"), {"tab": "rejected"})
    assert b"No rejected stories." in response.content


def test_my_stories_needs_a_sign_in(client):
    response = client.get(reverse("stories:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_my_stories_runs_a_fixed_number_of_queries(
    client, alice, community, django_assert_max_num_queries
):
    for n in range(15):
        make_story(alice, status="draft", community=community, title=f"Draft {n}")
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("stories:mine"))
    assert response.status_code == 200
    assert b"Older" in response.content


def test_unpublishing_asks_first_then_takes_the_story_off_the_site(client, alice):
    story = make_story(alice, title="Going away")
    client.force_login(alice)
    url = reverse("stories:unpublish", args=[story.pk])
    assert b"Unpublish this story?" in client.get(url).content
    story.refresh_from_db()
    assert story.is_published
    client.post(url)
    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT
    client.logout()
    assert client.get(story.get_absolute_url()).status_code == 404


def test_deleting_asks_first_then_deletes(client, alice):
    story = make_story(alice, title="Gone soon")
    client.force_login(alice)
    url = reverse("stories:delete", args=[story.pk])
    assert b"Delete this story?" in client.get(url).content
    assert Story.objects.filter(pk=story.pk).exists()
    response = client.post(url)
    assert response["Location"] == reverse("stories:mine")
    assert not Story.objects.filter(pk=story.pk).exists()


def test_submitting_from_my_stories(client, alice, settings):
    settings.REVIEW = True
    story = make_story(alice, status="draft")
    client.force_login(alice)
    client.post(reverse("stories:submit", args=[story.pk]))
    story.refresh_from_db()
    assert story.status == Story.Status.SUBMITTED


def test_the_author_lists_views_and_restores_revisions(client, alice):
    story = make_story(alice, status="draft", title="Old title", body="Old *words*.")
    old = story.revisions.get()
    client.force_login(alice)
    client.post(
        reverse("stories:edit", args=[story.pk]),
        {"title": "New title", "body": "New words.", "action": "save"},
    )
    listing = client.get(reverse("stories:revisions", args=[story.pk]))
    assert b"Old title" in listing.content and b"New title" in listing.content

    detail = client.get(old.get_absolute_url())
    assert b"<em>words</em>" in detail.content
    assert b"Restore this version" in detail.content

    response = client.post(reverse("stories:revision_restore", args=[story.pk, old.pk]))
    assert response["Location"] == reverse("stories:edit", args=[story.pk])
    story.refresh_from_db()
    assert (story.title, story.body) == ("Old title", "Old *words*.")
    assert story.revisions.count() == 3


def test_a_revision_of_another_story_is_not_found(client, alice):
    mine = make_story(alice, status="draft")
    other = make_story(alice, status="draft")
    client.force_login(alice)
    revision = other.revisions.get()
    assert client.get(reverse("stories:revision", args=[mine.pk, revision.pk])).status_code == 404


def test_moderators_find_the_queue_from_my_stories(client, alice, carol, bob):
    make_story(alice, status="submitted")
    client.force_login(carol)
    response = client.get(reverse("stories:mine"))
    assert reverse("moderation:queue").encode() in response.content
    client.force_login(bob)
    assert reverse("moderation:queue").encode() not in client.get(reverse("stories:mine")).content


def test_a_revision_shows_what_restoring_it_would_change(client, alice):
    story = make_story(alice, status="draft", body="Line one.\nLine <two>.")
    old = story.revisions.get()
    client.force_login(alice)
    client.post(
        reverse("stories:edit", args=[story.pk]),
        {"title": story.title, "body": "Line one.\nLine three.", "action": "save"},
    )
    content = client.get(old.get_absolute_url()).content.decode()
    assert (
        'diff__line--add"><span class="visually-hidden">Comes back: </span>Line &lt;two&gt;.'
        in content
    )
    assert (
        'diff__line--remove"><span class="visually-hidden">Goes away: </span>Line three.' in content
    )
