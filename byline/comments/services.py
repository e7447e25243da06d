"""Writes to comments. Each function checks the policy itself (comments/policies.py), keeps
Story.comment_count in step with F() and notifies the people concerned."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from byline.accounts.models import User
from byline.comments.models import BODY_MAX_LENGTH, Comment
from byline.comments.policies import can_change_comment, can_comment, can_toggle_comments
from byline.core.logs import security_event
from byline.social.models import Notification
from byline.social.services import notification_create
from byline.stories.models import Story
from byline.stories.rendering import render_comment

# Replies nest this deep (0 = a comment on the story); a reply to the deepest level joins it.
MAX_DEPTH = 2


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(
            "Write something first: a comment cannot be empty.", code="comment_empty"
        )
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            f"A comment can be at most {BODY_MAX_LENGTH:,} characters long "
            f"(this one has {len(body):,}).",
            code="comment_too_long",
        )
    return body


def _check_throttle(author: User) -> None:
    """New accounts may post only a few comments per window (spam waves come from new accounts)."""
    new_until = author.date_joined + dt.timedelta(hours=settings.COMMENT_NEW_ACCOUNT_HOURS)
    now = timezone.now()
    if now >= new_until:
        return
    window = dt.timedelta(minutes=settings.COMMENT_NEW_ACCOUNT_WINDOW_MINUTES)
    recent = Comment.objects.filter(author=author, created_at__gte=now - window).count()
    if recent >= settings.COMMENT_NEW_ACCOUNT_LIMIT:
        security_event("comment_throttled", outcome="refused", user=author, recent=recent)
        raise ValidationError(
            f"New accounts can post {settings.COMMENT_NEW_ACCOUNT_LIMIT} comments every "
            f"{settings.COMMENT_NEW_ACCOUNT_WINDOW_MINUTES} minutes. Please try again a little "
            "later.",
            code="comment_throttle",
        )


def comment_depth(comment: Comment) -> int:
    depth, node = 0, comment
    while node.parent_id is not None and depth < MAX_DEPTH + 1:
        node = node.parent
        depth += 1
    return depth


@transaction.atomic
def comment_create(
    *, story: Story, author: User, body: str, parent: Comment | None = None
) -> Comment:
    """A comment on a published story, or a reply to one of its comments.

    Raises PermissionDenied when the author may not comment there (signed out, suspended,
    story not published, comments turned off) and ValidationError for bad input.
    """
    if not can_comment(author, story):
        raise PermissionDenied("You cannot comment on this story.")
    body = _clean_body(body)
    replied_to = parent
    if parent is not None:
        if parent.story_id != story.pk:
            raise ValidationError(
                "A reply must be on the same story as its comment.", code="reply_parent"
            )
        if parent.is_deleted or parent.is_hidden:
            raise ValidationError(
                "That comment is no longer there to reply to.", code="reply_parent"
            )
        if comment_depth(parent) >= MAX_DEPTH:
            parent = parent.parent
    _check_throttle(author)
    comment = Comment.objects.create(
        story=story, author=author, parent=parent, body=body, body_html=render_comment(body)
    )
    Story.objects.filter(pk=story.pk).update(comment_count=F("comment_count") + 1)
    notified = {author.pk}
    if replied_to is not None and replied_to.author_id not in notified:
        notification_create(
            recipient=replied_to.author,
            kind=Notification.Kind.REPLY,
            actor=author,
            story=story,
            comment=comment,
        )
        notified.add(replied_to.author_id)
    if story.author_id not in notified:
        notification_create(
            recipient=story.author,
            kind=Notification.Kind.COMMENT,
            actor=author,
            story=story,
            comment=comment,
        )
    return comment


@transaction.atomic
def comment_update(*, comment: Comment, by: User, body: str) -> Comment:
    """The author edits their own comment; it shows as edited from then on."""
    if not can_change_comment(by, comment):
        raise PermissionDenied("You can only edit your own comments.")
    body = _clean_body(body)
    if body == comment.body:
        return comment
    comment.body = body
    comment.body_html = render_comment(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, by: User) -> bool:
    """The author deletes their own comment. A comment with replies stays as "This comment was
    deleted" so the conversation under it still makes sense; returns True if the row is gone."""
    if not can_change_comment(by, comment):
        raise PermissionDenied("You can only delete your own comments.")
    Story.objects.filter(pk=comment.story_id).update(comment_count=F("comment_count") - 1)
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
