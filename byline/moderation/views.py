"""The review queue for submitted stories and the read-only audit log (moderators only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from byline.core.pagination import keyset_page
from byline.core.transitions import Conflict
from byline.insights.labels import HOW_IT_WORKS
from byline.moderation.models import ModerationAction
from byline.moderation.policies import MODERATORS_ONLY, can_read_audit_log, can_use_review_queue
from byline.stories.forms import REJECTION_PRESETS, ApproveForm, RejectForm, UnpublishForm
from byline.stories.lifecycle import story_approve, story_reject, story_unpublish
from byline.stories.models import Story
from byline.stories.selectors import review_queue_page
from byline.stories.views import story_json_ld


def _require_moderator(request: HttpRequest) -> None:
    if not can_use_review_queue(request.user):
        raise PermissionDenied(MODERATORS_ONLY)


def _story_or_404(pk: int) -> Story:
    story = (
        Story.objects.select_related("author", "community")
        .prefetch_related("tags")
        .filter(pk=pk)
        .first()
    )
    if story is None:
        raise Http404("No such story.")
    return story


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    _require_moderator(request)
    page = review_queue_page(cursor=request.GET.get("after"), size=settings.PAGE_SIZE)
    # Recently published stories, so that something that slipped through can be taken down.
    recent = Story.objects.published().select_related("author")[:10]
    return render(request, "moderation/review_queue.html", {"page": page, "recent": recent})


def _review_page(
    request: HttpRequest, story: Story, *, reject_form: RejectForm | None = None, status=200
) -> HttpResponse:
    context = {
        "story": story,
        "story_json_ld": story_json_ld(story),
        "insights_how_it_works": HOW_IT_WORKS,
        "approve_form": ApproveForm(),
        "reject_form": reject_form or RejectForm(),
        "presets": REJECTION_PRESETS,
        "own_story": story.author_id == request.user.pk,
    }
    return render(request, "moderation/review_story.html", context, status=status)


@login_required
@require_GET
def review_story(request: HttpRequest, pk: int) -> HttpResponse:
    """The story exactly as readers will see it, with the decision forms underneath."""
    _require_moderator(request)
    story = _story_or_404(pk)
    if story.status != Story.Status.SUBMITTED:
        messages.info(request, f"“{story.title}” is no longer waiting for review.")
        return redirect("moderation:queue")
    return _review_page(request, story)


@login_required
@require_POST
def approve_story(request: HttpRequest, pk: int) -> HttpResponse:
    _require_moderator(request)
    story = _story_or_404(pk)
    form = ApproveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        story_approve(story=story, by=request.user, note=note)
    except PermissionDenied as error:
        # Their own story. A story no longer waiting for review raises Conflict (a 409 page).
        messages.error(request, str(error) or "You cannot decide on this story.")
        return redirect("moderation:queue")
    messages.success(request, f"Approved and published “{story.title}”. The author is notified.")
    return redirect("moderation:queue")


@login_required
@require_POST
def reject_story(request: HttpRequest, pk: int) -> HttpResponse:
    _require_moderator(request)
    story = _story_or_404(pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _review_page(request, story, reject_form=form, status=422)
    try:
        story_reject(story=story, by=request.user, reason=form.cleaned_data["reason"])
    except PermissionDenied as error:
        messages.error(request, str(error) or "You cannot decide on this story.")
        return redirect("moderation:queue")
    except ValidationError as error:
        form.add_error(None, error)
        return _review_page(request, story, reject_form=form, status=422)
    messages.success(request, f"Sent “{story.title}” back to its author with your reason.")
    return redirect("moderation:queue")


@login_required
def unpublish_story(request: HttpRequest, pk: int) -> HttpResponse:
    """A moderator takes a published story down (back to its author's drafts), with a reason."""
    _require_moderator(request)
    story = _story_or_404(pk)
    if not story.is_published:
        raise Conflict("This story is not published (any more): someone took it down already.")
    form = UnpublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        story_unpublish(story=story, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Unpublished “{story.title}”. The author is notified.")
        return redirect("moderation:queue")
    status = 422 if form.errors else 200
    return render(
        request, "moderation/unpublish_story.html", {"story": story, "form": form}, status=status
    )


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every moderation decision, newest first; filter by action. Read-only."""
    if not can_read_audit_log(request.user):
        raise PermissionDenied(MODERATORS_ONLY)
    action = request.GET.get("action", "")
    entries = ModerationAction.objects.select_related("actor")
    if action in ModerationAction.Action.values:
        entries = entries.filter(action=action)
    else:
        action = ""
    page = keyset_page(entries, cursor=request.GET.get("after"), size=50, field="created_at")
    context = {"page": page, "action": action, "actions": ModerationAction.Action.choices}
    return render(request, "moderation/audit_log.html", context)
