"""Reports: anyone signed in reports a story or a comment; moderators work the queue."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from byline.comments.models import Comment
from byline.core.pagination import decode_cursor, encode_cursor
from byline.moderation.models import Report
from byline.moderation.policies import can_handle_reports, can_report
from byline.moderation.services import (
    account_suspend,
    account_unsuspend,
    comment_hide,
    comment_remove,
    comment_unhide,
    report_create,
    report_dismiss,
)
from byline.social.actions import public_story_or_404


def _report_form(request: HttpRequest, *, story, comment) -> HttpResponse:
    if not can_report(request.user):
        raise PermissionDenied("Your account cannot report content right now.")
    error = None
    if request.method == "POST":
        try:
            report_create(
                reporter=request.user,
                story=None if comment else story,
                comment=comment,
                reason=request.POST.get("reason", ""),
                details=request.POST.get("details", ""),
            )
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, "Thank you. A moderator will look at your report.")
            anchor = f"#comment-{comment.pk}" if comment else ""
            return redirect(story.get_absolute_url() + anchor)
    return render(
        request,
        "moderation/report_form.html",
        {
            "story": story,
            "comment": comment,
            "reasons": Report.Reason.choices,
            "error": error,
            "chosen": request.POST.get("reason", ""),
            "details": request.POST.get("details", "")[:1000],
        },
        status=400 if error else 200,
    )


@login_required
def report_story(request: HttpRequest, story_id: int) -> HttpResponse:
    story = public_story_or_404(story_id)
    return _report_form(request, story=story, comment=None)


@login_required
def report_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = (
        Comment.objects.select_related("author", "story")
        .filter(pk=comment_id, is_deleted=False, is_hidden=False)
        .first()
    )
    if comment is None:
        raise Http404("No such comment.")
    story = public_story_or_404(comment.story_id)
    return _report_form(request, story=story, comment=comment)


def _moderator_or_404(request: HttpRequest) -> None:
    # Not a 403: the queue's existence is nobody else's business.
    if not can_handle_reports(request.user):
        raise Http404("No such page.")


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    """The queue: open reports oldest first (keyset-paginated); closed ones newest first."""
    _moderator_or_404(request)
    status = "closed" if request.GET.get("status") == "closed" else "open"
    queryset = Report.objects.select_related(
        "reporter", "story__author", "comment__author", "comment__story__author", "closed_by"
    )
    size = settings.PAGE_SIZE * 2
    position = decode_cursor(request.GET.get("after"))
    if status == "open":
        queryset = queryset.filter(status=Report.Status.OPEN)
        if position:
            moment, pk = position
            queryset = queryset.filter(Q(created_at__gt=moment) | Q(created_at=moment, pk__gt=pk))
        queryset = queryset.order_by("created_at", "pk")
    else:
        queryset = queryset.exclude(status=Report.Status.OPEN)
        if position:
            moment, pk = position
            queryset = queryset.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
        queryset = queryset.order_by("-created_at", "-pk")
    rows = list(queryset[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = encode_cursor(rows[-1].created_at, rows[-1].pk)
    for report in rows:
        report.accused = report.comment.author if report.comment_id else report.story.author
    open_count = Report.objects.filter(status=Report.Status.OPEN).count()
    return render(
        request,
        "moderation/report_list.html",
        {"reports": rows, "next_cursor": next_cursor, "status": status, "open_count": open_count},
    )


DECISIONS = ("hide", "unhide", "remove", "dismiss", "suspend", "unsuspend")


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """One moderator decision on one report; every service writes the audit log entry."""
    _moderator_or_404(request)
    report = get_object_or_404(
        Report.objects.select_related("story__author", "comment__author", "comment__story"), pk=pk
    )
    decision = request.POST.get("decision", "")
    reason = request.POST.get("reason", "").strip()[:2000]
    comment = report.comment
    accused = comment.author if comment else report.story.author
    try:
        if decision == "hide" and comment:
            comment_hide(comment=comment, by=request.user, reason=reason)
        elif decision == "unhide" and comment:
            comment_unhide(comment=comment, by=request.user, reason=reason)
        elif decision == "remove" and comment:
            comment_remove(comment=comment, by=request.user, reason=reason)
        elif decision == "dismiss":
            report_dismiss(report=report, by=request.user, reason=reason)
        elif decision == "suspend":
            account_suspend(user=accused, by=request.user, reason=reason, report=report)
        elif decision == "unsuspend":
            account_unsuspend(user=accused, by=request.user, reason=reason)
        else:
            raise ValidationError("Choose a decision.")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _DONE.get(decision, "Done."))
    return redirect(report.get_absolute_url())


_DONE = {
    "hide": "The comment is hidden.",
    "unhide": "The comment is visible again.",
    "remove": "The comment is removed.",
    "dismiss": "The report is dismissed.",
    "suspend": "The account is suspended.",
    "unsuspend": "The suspension is lifted.",
}
