from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from byline.accounts.models import User
from byline.comments.models import BODY_MAX_LENGTH, Comment
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
def comment_update(*, comment: Comment, body: str) -> Comment:
    body = body.strip()
    if not body:
        raise ValueError("A comment cannot be empty.")
    if len(body) > BODY_MAX_LENGTH:
        raise ValueError(f"A comment can be at most {BODY_MAX_LENGTH:,} characters long.")
    comment.body = body
    comment.body_html = render_comment(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, by: User) -> Comment:
    """Soft delete: the text goes, the place in the thread stays so replies keep their parent.
    A moderator removing someone else's comment is logged."""
    comment.is_deleted = True
    comment.body = ""
    comment.body_html = ""
    comment.save(update_fields=["is_deleted", "body", "body_html"])
    if by.pk != comment.author_id:
        from byline.moderation.models import ModerationAction
        from byline.moderation.services import moderation_log

        moderation_log(actor=by, action=ModerationAction.Action.REMOVE, target=comment)
    return comment
