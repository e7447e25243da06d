"""The Django admin changes states only through the services: audit entry, notice, conflict."""

import pytest
from django.urls import reverse

from byline.conftest import make_story, make_user
from byline.moderation.models import ModerationAction
from byline.stories.models import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = make_user("operator", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _act(client, model: str, action: str, objects, **extra):
    url = reverse(f"admin:{model.replace('.', '_')}_changelist")
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}
    return client.post(url, data, follow=True)


def test_approving_from_the_admin_logs_and_skips_what_is_not_submitted(client, operator, alice):
    submitted = make_story(alice, status="submitted", title="Waiting")
    published = make_story(alice, title="Live already")
    response = _act(client, "stories.story", "approve", [submitted, published], apply="1")
    page = response.content.decode()
    assert "Approved: 1." in page
    assert "Not changed, Live already: This story is not waiting for review" in page
    submitted.refresh_from_db()
    assert submitted.status == Story.Status.PUBLISHED
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.actor, entry.target_id) == ("approve", operator, submitted.pk)


def test_rejecting_from_the_admin_asks_for_the_reason_first(client, operator, alice):
    story = make_story(alice, status="submitted")
    ask = _act(client, "stories.story", "reject", [story])
    assert "the person affected reads it" in ask.content.decode()
    story.refresh_from_db()
    assert story.status == Story.Status.SUBMITTED
    _act(client, "stories.story", "reject", [story], apply="1", reason="Needs sources.")
    story.refresh_from_db()
    assert (story.status, story.rejection_reason) == ("rejected", "Needs sources.")
    assert ModerationAction.objects.filter(action="reject").count() == 1


def test_the_admin_form_cannot_change_a_state_field(client, operator, alice):
    story = make_story(alice, status="submitted")
    page = client.get(reverse("admin:stories_story_change", args=[story.pk])).content.decode()
    assert 'name="status"' not in page
    user_page = client.get(reverse("admin:accounts_user_change", args=[alice.pk]))
    assert 'name="suspended_at_0"' not in user_page.content.decode()


def test_suspending_from_the_admin_goes_through_the_service(client, operator, bob):
    _act(client, "accounts.user", "suspend", [bob], apply="1", reason="Spam wave.")
    bob.refresh_from_db()
    assert bob.suspended_at is not None and bob.suspension_reason == "Spam wave."
    assert ModerationAction.objects.filter(action="suspend", target_id=bob.pk).count() == 1
    again = _act(client, "accounts.user", "suspend", [bob], apply="1", reason="Again.")
    assert "already suspended" in again.content.decode()
    assert ModerationAction.objects.filter(action="suspend").count() == 1
