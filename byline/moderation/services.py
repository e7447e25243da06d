from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from byline.accounts.models import User
from byline.core.transitions import Conflict, transition
from byline.moderation.models import ModerationAction

if TYPE_CHECKING:
    from byline.comments.models import Comment
    from byline.moderation.models import Report


def moderation_log(
    *, actor: User | None, action: str, target: models.Model, reason: str = ""
) -> ModerationAction:
    """Append one entry to the audit log. Call it inside the same transaction as the change."""
    return ModerationAction.objects.create(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        target_repr=str(target)[:300],
        reason=reason,
    )


# --- Reports and the decisions taken on them. Every decision: permission check,
# change, audit-log entry and a notice to the person affected, in one transaction.


def _moderator_only(user: User) -> None:
    from byline.moderation.policies import can_handle_reports

    if not can_handle_reports(user):
        raise PermissionDenied("Only moderators can do that.")


def _notify(*, recipient: User, message: str, story=None, comment=None) -> None:
    from byline.social.models import Notification
    from byline.social.services import notification_create

    # No actor: the notice speaks for "a moderator"; who it was stays in the audit log only,
    # so decisions do not invite retaliation against one person.
    notification_create(
        recipient=recipient,
        kind=Notification.Kind.MODERATION,
        actor=None,
        story=story,
        comment=comment,
        message=message,
    )


def _close_reports(*, by: User, status: str, **target) -> int:
    """Close the open reports on a target, each by its own state change: a report closed
    meanwhile by someone else is skipped, and its reporter hears from that decision only."""
    from byline.moderation.models import Report

    closed = 0
    for report in Report.objects.filter(status=Report.Status.OPEN, **target).select_related(
        "reporter"
    ):
        try:
            transition(
                report,
                expect={"status": Report.Status.OPEN},
                changes={"status": status, "closed_at": timezone.now(), "closed_by": by},
                conflict="",
            )
        except Conflict:
            continue
        closed += 1
        _notify(recipient=report.reporter, message="Thank you: a moderator acted on your report.")
    return closed


@transaction.atomic
def report_create(
    *, reporter: User, reason: str, details: str = "", story=None, comment=None
) -> Report:
    """Report a published story or a visible comment. One open report per person and target."""
    from byline.moderation.models import Report
    from byline.moderation.policies import can_report
    from byline.social.policies import is_public_story

    if not can_report(reporter):
        raise PermissionDenied("You cannot report content.")
    if (story is None) == (comment is None):
        raise ValidationError("Report either a story or a comment.")
    target_story = story if story is not None else comment.story
    if not is_public_story(target_story) or (comment is not None and comment.is_deleted):
        raise PermissionDenied("That cannot be reported.")
    if reason not in Report.Reason.values:
        raise ValidationError("Choose a reason for the report.")
    details = (details or "").strip()
    if len(details) > 1000:
        raise ValidationError(
            f"Keep the details under 1,000 characters (these have {len(details):,})."
        )
    open_reports = Report.objects.filter(
        reporter=reporter, status=Report.Status.OPEN, story=story, comment=comment
    )
    existing = open_reports.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter, story=story, comment=comment, reason=reason, details=details
            )
    except IntegrityError:
        # The same report sent twice at once: the unique constraint lets one in.
        return open_reports.get()


@transaction.atomic
def report_dismiss(*, report: Report, by: User, reason: str = "") -> Report:
    """Close a report without acting on its target."""
    _moderator_only(by)
    transition(
        report,
        expect={"status": report.Status.OPEN},
        changes={"status": report.Status.DISMISSED, "closed_at": timezone.now(), "closed_by": by},
        conflict="This report is already closed: another moderator decided on it.",
    )
    moderation_log(
        actor=by, action=ModerationAction.Action.DISMISS_REPORT, target=report, reason=reason
    )
    _notify(
        recipient=report.reporter,
        message=_with_reason("A moderator reviewed your report and left the content up", reason),
    )
    return report


def _story_comment_count(comment: Comment, delta: int) -> None:
    from byline.stories.models import Story

    Story.objects.filter(pk=comment.story_id).update(comment_count=F("comment_count") + delta)


@transaction.atomic
def comment_hide(*, comment: Comment, by: User, reason: str = "") -> Comment:
    """Hide a comment from readers (reversible); its open reports are closed as acted on."""
    from byline.moderation.models import Report

    _moderator_only(by)
    # Two outcomes for the count, each its own compare-and-set: a visible comment leaves it,
    # one its author deleted (kept for its replies) had left it already.
    conflict = "This comment is already hidden: another moderator got there first."
    try:
        transition(
            comment,
            expect={"is_hidden": False, "is_deleted": False},
            changes={"is_hidden": True},
            conflict=conflict,
        )
        _story_comment_count(comment, -1)
    except Conflict:
        transition(
            comment,
            expect={"is_hidden": False, "is_deleted": True},
            changes={"is_hidden": True},
            conflict=conflict,
        )
    moderation_log(actor=by, action=ModerationAction.Action.HIDE, target=comment, reason=reason)
    _notify(
        recipient=comment.author,
        story=comment.story,
        comment=comment,
        message=_with_reason(
            f"A moderator hid your comment on \u201c{comment.story.title}\u201d", reason
        ),
    )
    _close_reports(by=by, status=Report.Status.RESOLVED, comment=comment)
    return comment


@transaction.atomic
def comment_unhide(*, comment: Comment, by: User, reason: str = "") -> Comment:
    _moderator_only(by)
    transition(
        comment,
        expect={"is_hidden": True, "is_deleted": False},
        changes={"is_hidden": False},
        conflict="This comment is visible already, or it was removed for good.",
    )
    _story_comment_count(comment, +1)
    moderation_log(actor=by, action=ModerationAction.Action.UNHIDE, target=comment, reason=reason)
    _notify(
        recipient=comment.author,
        story=comment.story,
        comment=comment,
        message=_with_reason(
            f"A moderator restored your comment on \u201c{comment.story.title}\u201d", reason
        ),
    )
    return comment


@transaction.atomic
def comment_remove(*, comment: Comment, by: User, reason: str = "") -> Comment:
    """Remove a comment's text for good; replies under it stay, under a "removed" notice."""
    from byline.moderation.models import Report

    _moderator_only(by)
    # As in comment_hide: a visible comment leaves the count, a hidden one had left it already.
    removed = {"is_deleted": True, "is_hidden": True, "body": "", "body_html": ""}
    conflict = "This comment is already removed: another moderator got there first."
    try:
        transition(
            comment,
            expect={"is_deleted": False, "is_hidden": False},
            changes=removed,
            conflict=conflict,
        )
        _story_comment_count(comment, -1)
    except Conflict:
        transition(
            comment,
            expect={"is_deleted": False, "is_hidden": True},
            changes=removed,
            conflict=conflict,
        )
    moderation_log(actor=by, action=ModerationAction.Action.REMOVE, target=comment, reason=reason)
    _notify(
        recipient=comment.author,
        story=comment.story,
        message=_with_reason(
            f"A moderator removed your comment on \u201c{comment.story.title}\u201d", reason
        ),
    )
    _close_reports(by=by, status=Report.Status.RESOLVED, comment=comment)
    return comment


@transaction.atomic
def account_suspend(*, user: User, by: User, reason: str, report: Report | None = None) -> User:
    """Suspend an account: it can still sign in and read, but every write service refuses it.
    The report that led to it, if any, is closed as acted on."""
    from byline.moderation.policies import can_suspend

    if not can_suspend(by, user):
        raise PermissionDenied("You cannot suspend this account.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give a reason: the person will read it.")
    if len(reason) > 500:
        raise ValidationError("Keep the reason under 500 characters.")
    transition(
        user,
        expect={"suspended_at__isnull": True},
        changes={"suspended_at": timezone.now(), "suspension_reason": reason},
        conflict="This account is already suspended: another moderator got there first.",
    )
    moderation_log(actor=by, action=ModerationAction.Action.SUSPEND, target=user, reason=reason)
    _notify(recipient=user, message=_with_reason("A moderator suspended your account", reason))
    if report is not None:
        from byline.moderation.models import Report as ReportModel

        _close_reports(by=by, status=ReportModel.Status.RESOLVED, pk=report.pk)
    return user


@transaction.atomic
def account_unsuspend(*, user: User, by: User, reason: str = "") -> User:
    from byline.moderation.policies import can_suspend

    if not can_suspend(by, user):
        raise PermissionDenied("You cannot change this account.")
    transition(
        user,
        expect={"suspended_at__isnull": False},
        changes={"suspended_at": None, "suspension_reason": ""},
        conflict="This account is not suspended (any more): another moderator changed it.",
    )
    moderation_log(actor=by, action=ModerationAction.Action.UNSUSPEND, target=user, reason=reason)
    _notify(
        recipient=user,
        message=_with_reason("A moderator lifted the suspension of your account", reason),
    )
    return user


def _with_reason(text: str, reason: str) -> str:
    return f"{text}: {reason.strip()}" if reason.strip() else f"{text}."
