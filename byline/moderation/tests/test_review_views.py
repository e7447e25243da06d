import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from byline.conftest import make_story
from byline.moderation.models import ModerationAction
from byline.social.models import Notification
from byline.stories.models import Story

pytestmark = pytest.mark.django_db


def _submitted(author, title, minutes_ago):
    story = make_story(author, status="draft", title=title)
    Story.objects.filter(pk=story.pk).update(
        status="submitted", submitted_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    story.refresh_from_db()
    return story


def test_the_queue_lists_submitted_stories_oldest_first(
    client, alice, bob, carol, django_assert_max_num_queries
):
    _submitted(alice, "Newer", 5)
    _submitted(bob, "Oldest", 60)
    _submitted(alice, "Middle", 30)
    make_story(alice, status="draft", title="Just a draft")
    client.force_login(carol)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("moderation:queue")).content.decode()
    assert page.index("Oldest") < page.index("Middle") < page.index("Newer")
    assert "Just a draft" not in page


def test_the_queue_has_an_empty_state(client, carol):
    client.force_login(carol)
    assert b"The queue is empty" in client.get(reverse("moderation:queue")).content


def test_the_review_page_shows_the_story_as_readers_will_see_it(client, alice, carol, community):
    story = _submitted(alice, "A river story", 5)
    story.community = community
    story.save(update_fields=["community"])
    client.force_login(carol)
    response = client.get(reverse("moderation:review", args=[story.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 id="story-title" class="story-title">A river story</h1>' in content
    assert story.body_html in content
    assert "Approve and publish" in content and "Reject with this reason" in content


def test_approving_publishes_logs_and_notifies(
    client, alice, carol, django_capture_on_commit_callbacks
):
    story = _submitted(alice, "Ready", 5)
    client.force_login(carol)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("moderation:approve", args=[story.pk]), {"note": "Lovely."})
    assert response["Location"] == reverse("moderation:queue")
    story.refresh_from_db()
    assert story.is_published
    entry = ModerationAction.objects.get()
    assert (entry.actor, entry.action, entry.reason, entry.target) == (
        carol,
        "approve",
        "Lovely.",
        story,
    )
    assert Notification.objects.get(recipient=alice).kind == "moderation"
    assert mail.outbox[0].to == ["alice@example.org"]
    assert b"Ready" in client.get("/").content


def test_rejecting_needs_a_reason_and_combines_preset_and_message(
    client, alice, carol, django_capture_on_commit_callbacks
):
    story = _submitted(alice, "Not yet", 5)
    client.force_login(carol)
    url = reverse("moderation:reject", args=[story.pk])
    response = client.post(url, {"preset": "", "note": ""})
    assert response.status_code == 422
    assert b"Choose a reason or write a message" in response.content
    story.refresh_from_db()
    assert story.status == "submitted"
    assert not ModerationAction.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"preset": "quality", "note": "The second half repeats the first."})
    story.refresh_from_db()
    assert story.status == "rejected"
    assert story.rejection_reason == (
        "It needs more work on spelling, grammar or formatting. The second half repeats the first."
    )
    assert ModerationAction.objects.get().reason == story.rejection_reason
    assert "The second half repeats the first." in mail.outbox[0].body
    client.force_login(alice)
    assert b"The second half repeats the first." in client.get(story.get_absolute_url()).content


def test_a_decided_story_cannot_be_decided_again(client, alice, carol):
    story = make_story(alice, status="published")
    client.force_login(carol)
    client.post(reverse("moderation:reject", args=[story.pk]), {"preset": "spam"})
    story.refresh_from_db()
    assert story.is_published
    assert not ModerationAction.objects.exists()


def test_a_moderator_cannot_approve_their_own_story(client, carol):
    story = _submitted(carol, "Mine", 5)
    client.force_login(carol)
    assert (
        b"another moderator must review it"
        in client.get(reverse("moderation:review", args=[story.pk])).content
    )
    client.post(reverse("moderation:approve", args=[story.pk]))
    story.refresh_from_db()
    assert story.status == "submitted"


def test_the_audit_log_lists_and_filters_decisions(client, alice, carol):
    from byline.stories.lifecycle import story_approve, story_reject

    story_approve(story=_submitted(alice, "Good one", 9), by=carol)
    story_reject(story=_submitted(alice, "Bad one", 8), by=carol, reason="Spam link")
    client.force_login(carol)
    page = client.get(reverse("moderation:log")).content.decode()
    assert "Good one" in page and "Bad one" in page and "Spam link" in page and "@carol" in page
    page = client.get(reverse("moderation:log"), {"action": "reject"}).content.decode()
    assert "Bad one" in page and "Good one" not in page


def test_the_moderators_group_exists_with_the_review_permission(db):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Moderators")
    assert group.permissions.filter(codename="moderate_story").exists()


def test_the_audit_log_runs_a_fixed_number_of_queries(
    client, alice, carol, django_assert_max_num_queries
):
    from byline.moderation.services import moderation_log

    for n in range(30):
        moderation_log(actor=carol, action="reject", target=make_story(alice), reason=f"r{n}")
    client.force_login(carol)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("moderation:log"))
    assert response.content.count(b"status-pill--reject") == 30


def test_anonymous_pages_do_not_carry_a_csrf_token(client, story):
    # Anonymous story pages are cached and shared: nothing per-visitor may be baked into them.
    response = client.get(story.get_absolute_url())
    assert b"X-CSRFToken" not in response.content
    assert "csrftoken" not in response.cookies


def test_a_moderator_unpublishes_with_a_reason_from_the_queue(
    client, alice, bob, carol, django_capture_on_commit_callbacks
):
    story = make_story(alice, title="Slipped through")
    url = reverse("moderation:unpublish", args=[story.pk])
    client.force_login(bob)
    assert client.post(url, {"reason": "nope"}).status_code == 403
    client.force_login(carol)
    assert url.encode() in client.get(reverse("moderation:queue")).content
    response = client.post(url, {"reason": ""})
    assert response.status_code == 422
    assert b"Tell the author why" in response.content
    story.refresh_from_db()
    assert story.is_published
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Copied from a newspaper."})
    story.refresh_from_db()
    assert story.status == "draft"
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.actor, entry.reason) == (
        "unpublish",
        carol,
        "Copied from a newspaper.",
    )
    assert "unpublished" in mail.outbox[0].subject
    assert client.get(url).status_code == 409  # already taken down


@pytest.mark.parametrize("page", ["/moderation/", "/moderation/reports/", "/moderation/log/"])
def test_the_moderation_pages_link_to_each_other(client, carol, page):
    client.force_login(carol)
    html = client.get(page).content.decode()
    for other in ["/moderation/", "/moderation/reports/", "/moderation/log/"]:
        assert f'href="{other}"' in html
    assert html.count('aria-current="page"') >= 1
