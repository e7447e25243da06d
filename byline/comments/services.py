"""Writes to comments. Each function checks the policy itself (comments/policies.py), keeps
Story.comment_count in step with F() and notifies the people concerned."""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from byline.accounts.models import User
from byline.comments.models import BODY_MAX_LENGTH, Comment
from byline.comments.policies import can_change_comment, can_comment, can_toggle_comments
from byline.core.logs import security_event
from byline.core.rendering import render_comment
from byline.core.transitions import Conflict, hold, lock_if, transition
from byline.social.models import Notification
from byline.social.services import notification_create
from byline.stories.models import Story

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


def normalised(body: str) -> str:
    """What counts as "the same comment": case and runs of white space do not matter."""
    return " ".join(body.split()).casefold()


def _refuse(message: str, code: str, *, wait: dt.timedelta) -> ValidationError:
    seconds = max(1, math.ceil(wait.total_seconds()))
    return ValidationError(message, code=code, params={"retry_after": seconds})


def _check_limits(author: User, body: str) -> None:
    """Refuse a comment that repeats one the author posted in the last
    COMMENT_DUPLICATE_MINUTES (anywhere on the site: the same text on many stories is how spam
    looks), or that goes past COMMENT_RATE_PER_MINUTE in the last minute, or, for an account
    younger than COMMENT_NEW_ACCOUNT_HOURS, past COMMENT_NEW_ACCOUNT_LIMIT per
    COMMENT_NEW_ACCOUNT_WINDOW_MINUTES (spam waves come from new accounts).

    The windows slide, counted in the author's own rows. The author's row is locked first
    (byline.core.transitions.hold) and the comment is inserted in the same transaction, so
    simultaneous posts by one author are counted one after another: a burst stores at most the
    limit, and the same text sent twenty times at once is stored once. A cache counter would be
    per process on the embedded default (local memory) and lose count on eviction; the row lock
    holds on every deployment and only ever makes one author's own posts wait for each other.
    """
    hold(author)
    now = timezone.now()
    minute = dt.timedelta(minutes=1)
    duplicate_window = dt.timedelta(minutes=settings.COMMENT_DUPLICATE_MINUTES)
    new_window = dt.timedelta(minutes=settings.COMMENT_NEW_ACCOUNT_WINDOW_MINUTES)
    is_new = now < author.date_joined + dt.timedelta(hours=settings.COMMENT_NEW_ACCOUNT_HOURS)
    longest = max(minute, duplicate_window, new_window if is_new else minute)
    recent = list(
        Comment.objects.filter(author=author, created_at__gte=now - longest)
        .order_by("-created_at")
        .values_list("created_at", "body")
    )
    text = normalised(body)
    for created_at, earlier in recent:
        if created_at >= now - duplicate_window and normalised(earlier) == text:
            security_event("comment_duplicate", outcome="refused", user=author)
            raise _refuse(
                "You posted this same comment a moment ago. Write something new, or edit the "
                "comment you already posted.",
                "comment_duplicate",
                wait=created_at + duplicate_window - now,
            )
    limits = [(settings.COMMENT_RATE_PER_MINUTE, minute, "comment_rate")]
    if is_new:
        limits.append((settings.COMMENT_NEW_ACCOUNT_LIMIT, new_window, "comment_throttle"))
    for limit, window, code in limits:
        inside = [created_at for created_at, _ in recent if created_at >= now - window]
        if len(inside) < limit:
            continue
        wait = inside[limit - 1] + window - now  # until the oldest counted one leaves the window
        if code == "comment_rate":
            message = (
                f"You can post {limit} comments a minute. Please wait a moment: your comment "
                "is still here."
            )
        else:
            message = (
                f"New accounts can post {limit} comments every "
                f"{settings.COMMENT_NEW_ACCOUNT_WINDOW_MINUTES} minutes. Please try again a "
                "little later."
            )
        security_event("comment_throttled", outcome="refused", user=author, code=code)
        raise _refuse(message, code, wait=wait)


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
    _check_limits(author, body)
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
    deleted" so the conversation under it still makes sense; returns True if the row is gone.

    Only a visible comment can be deleted, checked on the row itself: a moderator hiding it at
    the same moment, or a second click, gets Conflict and the count drops once."""
    if not can_change_comment(by, comment):
        raise PermissionDenied("You can only delete your own comments.")
    gone = "This comment was already deleted or hidden meanwhile."
    if comment.replies.exists():
        transition(
            comment,
            expect={"is_deleted": False, "is_hidden": False},
            changes={"is_deleted": True, "body": "", "body_html": ""},
            conflict=gone,
        )
        deleted_row = False
    else:
        # The comment's row first, as the moderation services lock it: deleting cascades to
        # its reports, and locking them before the comment would deadlock with a moderator.
        if not lock_if(comment, {"is_deleted": False, "is_hidden": False}):
            raise Conflict(gone)
        comment.delete()
        deleted_row = True
    Story.objects.filter(pk=comment.story_id).update(comment_count=F("comment_count") - 1)
    return deleted_row


@transaction.atomic
def story_set_comments_enabled(*, story: Story, by: User, enabled: bool) -> Story:
    """The story's author turns comments on or off."""
    if not can_toggle_comments(by, story):
        raise PermissionDenied("Only the author can turn comments on or off.")
    story.comments_enabled = enabled
    story.save(update_fields=["comments_enabled"])
    return story
