from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from byline.accounts.models import User
from byline.comments.models import BODY_MAX_LENGTH, Comment
from byline.comments.policies import can_change_comment, can_toggle_comments
from byline.stories.models import Story
from byline.stories.rendering import render_comment


@transaction.atomic
def comment_create(
    *, story: Story, author: User, body: str, parent: Comment | None = None
) -> Comment:
    body = body.strip()
    if not body:
        raise ValueError("A comment cannot be empty.")
    if len(body) > BODY_MAX_LENGTH:
        raise ValueError(f"A comment can be at most {BODY_MAX_LENGTH:,} characters long.")
    if parent is not None and parent.story_id != story.pk:
        raise ValueError("A reply must be on the same story as its comment.")
    return Comment.objects.create(
        story=story, author=author, parent=parent, body=body, body_html=render_comment(body)
    )


@transaction.atomic
def comment_update(*, comment: Comment, by: User, body: str) -> Comment:
    """The author edits their own comment; it shows as edited from then on."""
    if not can_change_comment(by, comment):
        raise PermissionDenied("You can only edit your own comments.")
    body = body.strip()
    if not body:
        raise ValidationError("Write something first: a comment cannot be empty.")
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(f"A comment can be at most {BODY_MAX_LENGTH:,} characters long.")
    comment.body = body
    comment.body_html = render_comment(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, by: User) -> bool:
    """The author deletes their own comment. One with replies stays as "deleted" so the thread
    under it still makes sense; returns True when the row itself is gone. (Moderators hide or
    remove comments through moderation, with its audit log.)"""
    if not can_change_comment(by, comment):
        raise PermissionDenied("You can only delete your own comments.")
    if comment.replies.exists():
        comment.is_deleted = True
        comment.body = ""
        comment.body_html = ""
        comment.save(update_fields=["is_deleted", "body", "body_html"])
        return False
    comment.delete()
    return True


@transaction.atomic
def story_set_comments_enabled(*, story: Story, by: User, enabled: bool) -> Story:
    """The story's author turns comments on or off."""
    if not can_toggle_comments(by, story):
        raise PermissionDenied("Only the author can turn comments on or off.")
    story.comments_enabled = enabled
    story.save(update_fields=["comments_enabled"])
    return story
