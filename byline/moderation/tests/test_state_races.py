"""Simultaneous decisions on the same thing: exactly one wins, the others get a clear 409.

Each test fires the same request from several threads at once (each thread its own database
connection, see `concurrent_db`) and counts what was written: one state change, one audit entry,
one notice, one e-mail.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from byline.comments.models import Comment
from byline.comments.services import comment_create
from byline.conftest import make_story, make_user, run_together
from byline.moderation.models import ModerationAction, Report
from byline.moderation.services import report_create
from byline.social.models import Notification
from byline.stories.models import Story

pytestmark = pytest.mark.usefixtures("concurrent_db")

MODERATORS = 5


def make_moderator(handle: str):
    user = make_user(handle)
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(Permission.objects.get(codename="moderate_story"))
    user.groups.add(group)
    return user


def signed_in_clients(users) -> list[Client]:
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def moderators(count: int = MODERATORS) -> list[Client]:
    return signed_in_clients([make_moderator(f"mod{n}") for n in range(count)])


def post_all(clients: list[Client], url: str, data: dict | None = None, **headers):
    return run_together(*[lambda c=c: c.post(url, data or {}, **headers) for c in clients])


def statuses(responses) -> list[int]:
    return sorted(getattr(response, "status_code", repr(response)) for response in responses)


def logged(action: str, target) -> int:
    return ModerationAction.objects.filter(action=action, target_id=target.pk).count()


def test_simultaneous_approvals_publish_a_story_once(alice):
    story = make_story(alice, status="submitted", title="Wanted by everyone")
    clients = moderators()
    mail.outbox.clear()

    responses = post_all(clients, reverse("moderation:approve", args=[story.pk]), {"note": "ok"})

    assert statuses(responses) == [302] + [409] * (MODERATORS - 1)
    assert logged("approve", story) == 1
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED
    assert Notification.objects.filter(recipient=alice, kind="moderation").count() == 1
    assert len(mail.outbox) == 1
    loser = next(response for response in responses if response.status_code == 409)
    assert "already" in loser.content.decode()


def test_approve_and_reject_at_once_leave_one_decision(alice):
    story = make_story(alice, status="submitted")
    approver, rejecter = moderators(2)
    approve = reverse("moderation:approve", args=[story.pk])
    reject = reverse("moderation:reject", args=[story.pk])

    responses = run_together(
        lambda: approver.post(approve),
        lambda: rejecter.post(reject, {"preset": "quality"}),
    )

    assert statuses(responses) == [302, 409]
    story.refresh_from_db()
    decisions = ModerationAction.objects.filter(
        target_id=story.pk, action__in=["approve", "reject"]
    )
    assert decisions.count() == 1
    expected = {"approve": Story.Status.PUBLISHED, "reject": Story.Status.REJECTED}
    assert story.status == expected[decisions.get().action]


def test_simultaneous_unpublishes_take_a_story_down_once(alice):
    story = make_story(alice, title="Too hot")
    responses = post_all(
        moderators(), reverse("moderation:unpublish", args=[story.pk]), {"reason": "Spam."}
    )
    assert statuses(responses) == [302] + [409] * (MODERATORS - 1)
    assert logged("unpublish", story) == 1
    assert Notification.objects.filter(recipient=alice, kind="moderation").count() == 1


def test_simultaneous_submits_by_the_author_submit_once(alice):
    story = make_story(alice, status="draft")
    clients = signed_in_clients([alice] * 4)
    responses = post_all(clients, reverse("stories:submit", args=[story.pk]))
    assert statuses(responses) == [302] + [409] * 3
    story.refresh_from_db()
    assert story.status == Story.Status.SUBMITTED


def test_simultaneous_api_publishes_answer_409_in_the_api_format(alice):
    story = make_story(alice, status="submitted")
    url = f"/api/v1/stories/{story.pk}/publish"
    responses = post_all(moderators(), url, content_type="application/json")
    assert statuses(responses) == [200] + [409] * (MODERATORS - 1)
    losers = [response.json() for response in responses if response.status_code == 409]
    assert all(body["code"] == "conflict" for body in losers)
    assert logged("approve", story) == 1


@pytest.fixture
def reported_comment(alice, bob):
    story = make_story(alice, title="Commented")
    comment = comment_create(story=story, author=bob, body="Something rude")
    report = report_create(reporter=alice, comment=comment, reason="harassment")
    return comment, report


def _decide(clients, report, decision, reason="Rude."):
    url = reverse("moderation:report_decide", args=[report.pk])
    return post_all(clients, url, {"decision": decision, "reason": reason})


def test_simultaneous_hides_hide_once_and_count_once(reported_comment, bob):
    comment, report = reported_comment
    responses = _decide(moderators(), report, "hide")
    assert statuses(responses) == [302] + [409] * (MODERATORS - 1)
    assert logged("hide", comment) == 1
    story = Story.objects.get(pk=comment.story_id)
    assert story.comment_count == 0  # not below: one decrement
    assert Notification.objects.filter(recipient=bob, kind="moderation").count() == 1


def test_simultaneous_removals_remove_once(reported_comment, bob):
    comment, report = reported_comment
    responses = _decide(moderators(), report, "remove")
    assert statuses(responses) == [302] + [409] * (MODERATORS - 1)
    assert logged("remove", comment) == 1
    assert Story.objects.get(pk=comment.story_id).comment_count == 0


def test_simultaneous_dismissals_dismiss_once(reported_comment, alice):
    _comment, report = reported_comment
    responses = _decide(moderators(), report, "dismiss")
    assert statuses(responses) == [302] + [409] * (MODERATORS - 1)
    assert logged("dismiss_report", report) == 1
    assert Notification.objects.filter(recipient=alice, kind="moderation").count() == 1
    assert Report.objects.get(pk=report.pk).status == Report.Status.DISMISSED


def test_simultaneous_suspensions_suspend_once(reported_comment, bob):
    _comment, report = reported_comment
    responses = _decide(moderators(), report, "suspend", reason="Harassment.")
    assert statuses(responses) == [302] + [409] * (MODERATORS - 1)
    assert logged("suspend", bob) == 1
    assert Notification.objects.filter(recipient=bob, kind="moderation").count() == 1


def test_the_author_deleting_while_a_moderator_hides_counts_the_comment_once(reported_comment, bob):
    comment, report = reported_comment
    (moderator,) = moderators(1)
    (author,) = signed_in_clients([bob])
    responses = run_together(
        lambda: moderator.post(
            reverse("moderation:report_decide", args=[report.pk]), {"decision": "hide"}
        ),
        lambda: author.post(reverse("comments:delete", args=[comment.pk])),
    )
    codes = statuses(responses)
    assert len([code for code in codes if code in (200, 302)]) == 1, codes
    assert Story.objects.get(pk=comment.story_id).comment_count == 0
    assert Comment.objects.filter(pk=comment.pk, is_hidden=False, is_deleted=False).count() == 0


def test_the_same_report_sent_at_once_opens_one_report(alice, bob):
    story = make_story(alice, title="Reported twice")
    (reader,) = signed_in_clients([bob])
    url = reverse("moderation:report_story", args=[story.pk])
    responses = run_together(*[lambda: reader.post(url, {"reason": "spam"}) for _ in range(5)])
    assert statuses(responses) == [302] * 5
    assert Report.objects.filter(story=story).count() == 1
