"""A stale window's "Save" or "Update story" never overwrites newer text without the author
choosing to: the editor carries the version it was opened on, like autosave does."""

import pytest
from django.urls import reverse

from byline.conftest import make_story
from byline.stories.models import Story

pytestmark = pytest.mark.django_db


def _form(story: Story, version: int, **overrides) -> dict:
    data = {
        "title": story.title,
        "subtitle": story.subtitle,
        "body": story.body,
        "community": "",
        "tags": "",
        "hero_image_caption": "",
        "hero_image_credit": "",
        "version": str(version),
        "action": "save",
    }
    data.update(overrides)
    return data


@pytest.fixture
def two_tabs(client, alice):
    """A published story opened in two tabs; tab B saved newer text already."""
    story = make_story(alice, title="The estuary", body="First words.")
    client.force_login(alice)
    edit = reverse("stories:edit", args=[story.pk])
    opened = story.version
    assert f'name="version" value="{opened}"' in client.get(edit).content.decode()
    saved = client.post(edit, _form(story, opened, body="Tab B: the newer text."))
    assert saved.status_code == 302
    return story, edit, opened


def test_a_stale_update_overwrites_nothing_and_shows_both_versions(client, two_tabs):
    story, edit, opened = two_tabs
    response = client.post(edit, _form(story, opened, body="Tab A: what I typed."))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Not saved: there is a newer version" in page
    assert "Tab A: what I typed." in page  # their text, still in the form
    assert "Tab B: the newer text." in page  # the saved one beside it
    assert "Save mine over it" in page and "Save mine as a new draft" in page
    assert "Keep the saved version" in page
    story.refresh_from_db()
    assert story.body == "Tab B: the newer text."


def test_saving_mine_over_it_is_an_explicit_second_submit(client, two_tabs):
    story, edit, opened = two_tabs
    conflict = client.post(edit, _form(story, opened, body="Tab A: what I typed."))
    current = Story.objects.get(pk=story.pk).version
    assert f'name="version" value="{current}"' in conflict.content.decode()
    response = client.post(edit, _form(story, current, body="Tab A: what I typed."))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.body == "Tab A: what I typed."
    # The overwritten text is kept as a revision.
    assert story.revisions.filter(body="Tab B: the newer text.").exists()


def test_saving_mine_as_a_new_draft_keeps_both(client, alice, two_tabs):
    story, edit, opened = two_tabs
    response = client.post(edit, _form(story, opened, body="Tab A.", action="copy"))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.body == "Tab B: the newer text."
    copy = Story.objects.exclude(pk=story.pk).get(author=alice)
    assert (copy.body, copy.status) == ("Tab A.", Story.Status.DRAFT)


def test_saving_the_same_text_twice_is_no_conflict(client, two_tabs):
    story, edit, opened = two_tabs
    response = client.post(edit, _form(story, opened, body="Tab B: the newer text."))
    assert response.status_code == 302


def test_a_save_after_an_autosave_in_the_same_tab_is_no_conflict(client, alice):
    story = make_story(alice, status="draft", body="Draft.")
    client.force_login(alice)
    autosaved = client.post(
        reverse("stories:autosave", args=[story.pk]),
        {"title": story.title, "body": "Autosaved.", "version": story.version},
    ).json()
    edit = reverse("stories:edit", args=[story.pk])
    response = client.post(edit, _form(story, autosaved["version"], body="Saved by hand."))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.body == "Saved by hand."


def test_autosave_from_a_stale_tab_is_refused_with_the_same_check(client, two_tabs):
    story, _edit, opened = two_tabs
    story.status = Story.Status.DRAFT
    story.save(update_fields=["status"])
    response = client.post(
        reverse("stories:autosave", args=[story.pk]),
        {"title": story.title, "body": "Tab A typing.", "version": opened},
    )
    assert response.status_code == 409
    assert response.json()["conflict"] is True


def test_a_moderator_decision_does_not_make_the_authors_text_stale(client, alice, carol):
    from byline.stories.lifecycle import story_approve

    story = make_story(alice, status="submitted", body="In review.")
    client.force_login(alice)
    opened = story.version
    story_approve(story=Story.objects.get(pk=story.pk), by=carol)
    edit = reverse("stories:edit", args=[story.pk])
    response = client.post(edit, _form(story, opened, body="A typo fixed."))
    assert response.status_code == 302
