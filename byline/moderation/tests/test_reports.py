import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from byline.comments.models import Comment
from byline.comments.services import comment_create
from byline.conftest import make_story
from byline.insights.services import insight_add
from byline.moderation.models import ModerationAction, Report
from byline.moderation.services import account_suspend, comment_hide, report_create
from byline.social.models import Notification
from byline.social.services import follow_creator, like_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(story, dave):
    return comment_create(story=story, author=dave, body="Rude words")


def decide(client, report, decision, reason=""):
    return client.post(
        f"/moderation/reports/{report.pk}/decide/", {"decision": decision, "reason": reason}
    )


# --- Reporting --------------------------------------------------------------------------------


def test_a_reader_reports_a_comment_with_a_reason(client, story, comment, bob):
    client.force_login(bob)
    page = client.get(f"/report/comment/{comment.pk}/").content.decode()
    assert "Report a comment" in page and "Rude words" in page
    response = client.post(
        f"/report/comment/{comment.pk}/", {"reason": "harassment", "details": "Not nice."}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{story.get_absolute_url()}#comment-{comment.pk}"
    report = Report.objects.get()
    assert (report.reporter, report.comment, report.reason) == (bob, comment, "harassment")


def test_a_reader_reports_a_story(client, story, bob):
    client.force_login(bob)
    response = client.post(f"/report/story/{story.pk}/", {"reason": "plagiarism"})
    assert response.status_code == 302
    assert Report.objects.get().story == story


def test_a_report_needs_a_reason_and_keeps_the_text(client, story, comment, bob):
    client.force_login(bob)
    response = client.post(f"/report/comment/{comment.pk}/", {"details": "Look at this"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a reason for the report." in html and "Look at this" in html
    assert not Report.objects.exists()


def test_reporting_twice_keeps_one_open_report(story, comment, bob):
    first = report_create(reporter=bob, comment=comment, reason="spam")
    second = report_create(reporter=bob, comment=comment, reason="harassment")
    assert first == second and Report.objects.count() == 1


def test_visitors_are_sent_to_sign_in_and_suspended_accounts_cannot_report(
    client, story, comment, mallory
):
    response = client.post(f"/report/story/{story.pk}/", {"reason": "spam"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(mallory)
    assert client.post(f"/report/story/{story.pk}/", {"reason": "spam"}).status_code == 403
    assert not Report.objects.exists()


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_unpublished_stories_cannot_be_reported(client, alice, bob, status):
    story = make_story(alice, status=status)
    client.force_login(bob)
    assert client.post(f"/report/story/{story.pk}/", {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_the_service_refuses_bad_reports(story, comment, bob):
    with pytest.raises(ValidationError):
        report_create(reporter=bob, comment=comment, reason="boring")
    with pytest.raises(ValidationError):
        report_create(reporter=bob, comment=comment, reason="spam", details="x" * 1001)
    with pytest.raises(ValidationError):
        report_create(reporter=bob, reason="spam")
    assert not Report.objects.exists()


# --- The queue --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "alice", "bob", "dave", "mallory"])
def test_only_moderators_see_the_queue_or_decide(client, request, story, comment, bob, who):
    report = report_create(reporter=bob, comment=comment, reason="spam")
    if who:
        client.force_login(request.getfixturevalue(who))
    queue = client.get("/moderation/reports/")
    action = decide(client, report, "hide")
    if who:
        assert queue.status_code == 404 and action.status_code == 404
    else:
        assert queue.status_code == 302 and action.status_code == 302
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert not ModerationAction.objects.exists()


def test_the_queue_lists_open_reports_oldest_first(client, story, comment, alice, bob, carol):
    older = report_create(reporter=bob, comment=comment, reason="spam")
    newer = report_create(reporter=alice, story=story, reason="plagiarism")
    client.force_login(carol)
    html = client.get("/moderation/reports/").content.decode()
    assert html.index(f'id="report-{older.pk}"') < html.index(f'id="report-{newer.pk}"')
    assert "Rude words" in html


@pytest.mark.usefixtures("no_comment_limits")
def test_the_queue_query_count_is_flat(
    client, story, alice, bob, carol, dave, django_assert_max_num_queries
):
    for n in range(10):
        c = comment_create(story=story, author=dave, body=f"c{n}")
        report_create(reporter=bob, comment=c, reason="spam")
        report_create(reporter=alice, story=make_story(dave, title=f"S{n}"), reason="spam")
    client.force_login(carol)
    with django_assert_max_num_queries(10):
        response = client.get("/moderation/reports/")
    assert response.content.decode().count('class="report"') == 20


def test_the_empty_queue(client, carol):
    client.force_login(carol)
    assert "No open reports" in client.get("/moderation/reports/").content.decode()


def test_a_moderator_hides_a_reported_comment(client, story, comment, bob, carol, dave):
    report = report_create(reporter=bob, comment=comment, reason="harassment")
    client.force_login(carol)
    response = decide(client, report, "hide", "Keep it kind.")
    assert response.status_code == 302
    comment.refresh_from_db()
    report.refresh_from_db()
    story.refresh_from_db()
    assert comment.is_hidden and report.status == "resolved" and report.closed_by == carol
    assert story.comment_count == 0
    entry = ModerationAction.objects.get()
    assert (entry.actor, entry.action, entry.target, entry.reason) == (
        carol,
        "hide",
        comment,
        "Keep it kind.",
    )
    notice = Notification.objects.get(recipient=dave, kind="moderation")
    assert (
        notice.text
        == "A moderator hid your comment on \u201cThe River Remembers\u201d: Keep it kind."
    )
    assert "Rude words" not in client.get(story.get_absolute_url()).content.decode()
    # ...and can bring it back.
    decide(client, report, "unhide")
    comment.refresh_from_db()
    story.refresh_from_db()
    assert not comment.is_hidden and story.comment_count == 1
    assert list(ModerationAction.objects.values_list("action", flat=True)) == ["unhide", "hide"]


def test_a_hidden_comment_with_replies_leaves_a_marker(client, story, comment, bob, carol):
    comment_create(story=story, author=bob, body="I disagree", parent=comment)
    comment_hide(comment=comment, by=carol)
    html = client.get(story.get_absolute_url()).content.decode()
    assert "This comment was hidden by a moderator." in html
    assert "Rude words" not in html and "I disagree" in html


def test_a_moderator_removes_a_comment_for_good(client, story, comment, bob, carol):
    report = report_create(reporter=bob, comment=comment, reason="spam")
    client.force_login(carol)
    decide(client, report, "remove", "Spam.")
    comment.refresh_from_db()
    assert comment.is_deleted and comment.body == ""
    assert ModerationAction.objects.get().action == "remove"
    story.refresh_from_db()
    assert story.comment_count == 0


def test_a_moderator_dismisses_a_report(client, story, comment, bob, carol):
    report = report_create(reporter=bob, comment=comment, reason="spam")
    client.force_login(carol)
    decide(client, report, "dismiss")
    report.refresh_from_db()
    comment.refresh_from_db()
    assert report.status == "dismissed" and not comment.is_hidden
    assert ModerationAction.objects.get().action == "dismiss_report"
    assert "No open reports" in client.get("/moderation/reports/").content.decode()
    assert (
        f'id="report-{report.pk}"'
        in client.get("/moderation/reports/?status=closed").content.decode()
    )


# --- Suspensions ------------------------------------------------------------------------------


def test_suspending_needs_a_reason(client, story, comment, bob, carol, dave):
    report = report_create(reporter=bob, comment=comment, reason="spam")
    client.force_login(carol)
    decide(client, report, "suspend", "")
    dave.refresh_from_db()
    assert not dave.is_suspended and not ModerationAction.objects.exists()


def test_a_suspended_account_reads_but_cannot_write(
    client, story, comment, alice, bob, carol, dave
):
    report = report_create(reporter=bob, comment=comment, reason="spam")
    client.force_login(carol)
    decide(client, report, "suspend", "Repeated spam.")
    dave.refresh_from_db()
    report.refresh_from_db()
    assert dave.is_suspended and dave.suspension_reason == "Repeated spam."
    assert report.status == "resolved"
    assert ModerationAction.objects.get().action == "suspend"
    assert Notification.objects.filter(recipient=dave, kind="moderation").exists()

    client.force_login(dave)
    assert client.get(story.get_absolute_url()).status_code == 200
    before = Comment.objects.count()
    assert client.post(f"/stories/{story.pk}/comments/", {"body": "more"}).status_code == 403
    assert client.post(f"/stories/{story.pk}/like/", {"like": "on"}).status_code == 403
    assert (
        client.post(f"/stories/{story.pk}/insights/", {"action": "add:heartfelt"}).status_code
        == 403
    )
    assert client.post("/@alice/follow/", {"follow": "on"}).status_code == 403
    assert client.post(f"/report/story/{story.pk}/", {"reason": "spam"}).status_code == 403
    assert client.post(f"/comments/{comment.pk}/edit/", {"body": "x"}).status_code == 403
    assert Comment.objects.count() == before
    for write in (
        lambda: like_add(story=story, user=dave),
        lambda: insight_add(story=story, reader=dave, kind="heartfelt"),
        lambda: follow_creator(follower=dave, creator=alice),
    ):
        with pytest.raises(PermissionDenied):
            write()

    client.force_login(carol)
    decide(client, report, "unsuspend", "Second chance.")
    dave.refresh_from_db()
    assert not dave.is_suspended


def test_moderators_cannot_suspend_themselves_or_staff(carol, alice):
    with pytest.raises(PermissionDenied):
        account_suspend(user=carol, by=carol, reason="oops")
    alice.is_staff = True
    alice.save(update_fields=["is_staff"])
    with pytest.raises(PermissionDenied):
        account_suspend(user=alice, by=carol, reason="no")


def test_readers_cannot_use_the_moderation_services(story, comment, bob):
    with pytest.raises(PermissionDenied):
        comment_hide(comment=comment, by=bob)
    with pytest.raises(PermissionDenied):
        account_suspend(user=comment.author, by=bob, reason="x")
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_operators_see_reports_likes_and_follows_in_the_admin(client, story, comment, bob):
    from byline.accounts.models import User

    report_create(reporter=bob, comment=comment, reason="spam")
    like_add(story=story, user=bob)
    admin = User.objects.create_superuser(username="root", email="root@example.org", password="x")
    client.force_login(admin)
    for path in ("moderation/report", "social/like", "social/follow", "social/emailpreference"):
        assert client.get(f"/admin/{path}/").status_code == 200, path


def test_moderation_notices_do_not_name_the_moderator(story, comment, carol, dave):
    comment_hide(comment=comment, by=carol, reason="Rude.")
    notice = Notification.objects.get(recipient=dave)
    assert notice.actor is None and "Carol" not in notice.text
    assert ModerationAction.objects.get().actor == carol


def test_the_open_queue_pages_forward_oldest_first_without_repeats(
    client, story, bob, carol, dave, settings
):
    import re

    settings.PAGE_SIZE = 1  # two reports per page
    reports = [
        report_create(
            reporter=bob,
            comment=comment_create(story=story, author=dave, body=f"c{n}"),
            reason="spam",
        )
        for n in range(5)
    ]
    client.force_login(carol)
    seen, url = [], "/moderation/reports/"
    while url:
        html = client.get(url).content.decode()
        seen += [int(pk) for pk in re.findall(r'<li class="report" id="report-(\d+)"', html)]
        found = re.search(r'rel="next" href="([^"]+)"', html)
        url = "/moderation/reports/" + found.group(1).replace("&amp;", "&") if found else None
    assert seen == [report.pk for report in reports]


def test_reporters_hear_what_came_of_their_report(story, comment, alice, bob, carol):
    from byline.moderation.services import report_dismiss

    report_create(reporter=bob, comment=comment, reason="spam")
    comment_hide(comment=comment, by=carol)
    story_report = report_create(reporter=alice, story=story, reason="spam")
    report_dismiss(report=story_report, by=carol, reason="Not spam.")
    assert Notification.objects.get(recipient=bob, kind="moderation").text == (
        "Thank you: a moderator acted on your report."
    )
    assert Notification.objects.get(recipient=alice, kind="moderation").text == (
        "A moderator reviewed your report and left the content up: Not spam."
    )
