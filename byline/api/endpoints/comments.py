"""Comments: list, create, reply, edit, delete, over byline.comments services and policies."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from byline.api.auth import require_writer, viewer, writer
from byline.api.endpoints.common import MAX_ID, IdPath, story_for_viewer
from byline.api.errors import invalid, not_found, with_errors
from byline.api.schemas import CommentIn, CommentOut, CommentPatch, PageOut
from byline.comments.models import Comment
from byline.comments.services import comment_create, comment_delete, comment_update
from byline.stories.policies import can_view_story, is_moderator

router = Router(tags=["comments"])


PAGE_SIZE = 50


@router.get(
    "/stories/{story_id}/comments",
    response=with_errors({200: PageOut[CommentOut]}),
    summary="A story's comments, oldest first (replies carry their `parent`)",
)
def comment_list(
    request: HttpRequest,
    story_id: int = IdPath,
    cursor: int | None = Query(None, ge=0, le=MAX_ID, description="`next_cursor` of last page."),
):
    story = story_for_viewer(request, story_id)
    comments = Comment.objects.filter(story=story).select_related("author").order_by("id")
    if not is_moderator(viewer(request)):
        comments = comments.filter(is_hidden=False)
    if cursor:
        comments = comments.filter(id__gt=cursor)
    rows = list(comments[: PAGE_SIZE + 1])
    next_cursor = str(rows[PAGE_SIZE - 1].pk) if len(rows) > PAGE_SIZE else None
    return {"items": rows[:PAGE_SIZE], "next_cursor": next_cursor}


def can_view_comment(user, comment: Comment) -> bool:
    """On a story the caller may see; hidden comments only for moderators."""
    return can_view_story(user, comment.story) and (not comment.is_hidden or is_moderator(user))


def _comment_for_viewer(request: HttpRequest, comment_id: int) -> Comment:
    comment = (
        Comment.objects.select_related("author", "story", "story__author")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or not can_view_comment(viewer(request), comment):
        raise not_found("No such comment.")
    return comment


@router.get("/comments/{comment_id}", response=with_errors({200: CommentOut}))
def comment_detail(request: HttpRequest, comment_id: int = IdPath):
    return _comment_for_viewer(request, comment_id)


@router.post(
    "/stories/{story_id}/comments",
    response=with_errors({201: CommentOut}),
    summary="Comment on a story, or reply to a comment (`parent`)",
    auth=writer,
)
def comment_add(request: HttpRequest, payload: CommentIn, story_id: int = IdPath):
    user = require_writer(request)
    story = story_for_viewer(request, story_id)
    parent = None
    if payload.parent is not None:
        parent = Comment.objects.filter(pk=payload.parent, story=story).first()
        if parent is None or not can_view_comment(user, parent):
            raise invalid("No such comment on this story to reply to.", "parent")
    # comment_create checks who may comment (403), the reply (422) and the new-account
    # throttle (429).
    comment = comment_create(story=story, author=user, body=payload.body, parent=parent)
    return Status(201, comment)


@router.patch("/comments/{comment_id}", response=with_errors({200: CommentOut}), auth=writer)
def comment_edit(request: HttpRequest, payload: CommentPatch, comment_id: int = IdPath):
    user = require_writer(request)
    comment = _comment_for_viewer(request, comment_id)
    return comment_update(comment=comment, by=user, body=payload.body)  # not theirs: 403


@router.delete("/comments/{comment_id}", response=with_errors({204: None}), auth=writer)
def comment_remove(request: HttpRequest, comment_id: int = IdPath):
    user = require_writer(request)
    comment = _comment_for_viewer(request, comment_id)
    # Author only: moderators hide or remove comments through moderation (audit log), not here.
    comment_delete(comment=comment, by=user)
    return Status(204, None)
