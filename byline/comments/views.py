from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from byline.comments.models import Comment
from byline.comments.policies import can_change_comment
from byline.comments.selectors import comment_get_for_story
from byline.comments.services import (
    comment_create,
    comment_delete,
    comment_update,
    story_set_comments_enabled,
)
from byline.social.actions import public_story_or_404, section_response

SECTION = "comments/_story_comments.html"
RATE_LIMITED = {"comment_rate", "comment_throttle"}


@login_required
@require_POST
def create(request: HttpRequest, story_id: int) -> HttpResponse:
    story = public_story_or_404(story_id)
    parent = None
    if request.POST.get("parent"):
        parent = comment_get_for_story(story=story, pk=request.POST["parent"])
        if parent is None:
            raise Http404("No such comment.")
    body = request.POST.get("body", "")
    try:
        comment = comment_create(story=story, author=request.user, body=body, parent=parent)
    except ValidationError as exc:
        return section_response(
            request,
            story=story,
            template=SECTION,
            anchor="story-comments",
            extra={
                "comment_error": exc.messages[0],
                "comment_draft": body[:20000],
                "error_parent": parent.pk if parent else None,
            },
            status=429 if getattr(exc, "code", None) in RATE_LIMITED else 400,
        )
    if not request.htmx:
        messages.success(request, "Your comment is posted.")
    return section_response(request, story=story, template=SECTION, anchor=f"comment-{comment.pk}")


def _own_comment_or_404(request: HttpRequest, pk: int) -> Comment:
    """The comment, if the viewer may change it; someone else's comment is a 404 (no oracle)."""
    comment = Comment.objects.select_related("story__author").filter(pk=pk).first()
    if comment is None or not can_change_comment(request.user, comment):
        if comment is not None and comment.author_id == request.user.pk:
            raise PermissionDenied("Your account cannot change comments right now.")
        raise Http404("No such comment.")
    public_story_or_404(comment.story_id)
    return comment


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A page with the edit form (for browsers without JavaScript); POST saves."""
    comment = _own_comment_or_404(request, pk)
    story = comment.story
    error = None
    body = comment.body
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            comment_update(comment=comment, by=request.user, body=body)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            if not request.htmx:
                messages.success(request, "Your comment is updated.")
            return section_response(
                request, story=story, template=SECTION, anchor=f"comment-{comment.pk}"
            )
        if request.htmx:
            return section_response(
                request,
                story=story,
                template=SECTION,
                anchor=f"comment-{comment.pk}",
                extra={"edit_error": error, "edit_id": comment.pk, "edit_draft": body},
            )
    return render(
        request,
        "comments/comment_form.html",
        {"comment": comment, "story": story, "body": body, "error": error},
        status=400 if error else 200,
    )


@login_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (no JavaScript needed); POST deletes."""
    comment = _own_comment_or_404(request, pk)
    story = comment.story
    if request.method == "POST":
        comment_delete(comment=comment, by=request.user)
        if not request.htmx:
            messages.success(request, "Your comment is deleted.")
        return section_response(request, story=story, template=SECTION, anchor="story-comments")
    return render(request, "comments/comment_confirm_delete.html", {"comment": comment})


@login_required
@require_POST
def toggle(request: HttpRequest, story_id: int) -> HttpResponse:
    """The author turns comments on or off for their story."""
    story = public_story_or_404(story_id)
    enabled = request.POST.get("enabled") == "on"
    story_set_comments_enabled(story=story, by=request.user, enabled=enabled)
    if not request.htmx:
        messages.success(request, "Comments are on." if enabled else "Comments are off.")
    return section_response(request, story=story, template=SECTION, anchor="story-comments")
