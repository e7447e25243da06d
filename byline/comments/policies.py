"""Who may write, change and switch off comments. Pure predicates, used by views, API and
services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from byline.accounts.policies import can_write
from byline.stories.policies import can_view_story

if TYPE_CHECKING:
    from byline.accounts.models import User
    from byline.comments.models import Comment
    from byline.stories.models import Story


def can_comment(user: User | None, story: Story) -> bool:
    """Signed-in, not suspended, on a published story whose author has comments turned on."""
    return can_write(user) and can_view_story(None, story) and story.comments_enabled


def can_change_comment(user: User | None, comment: Comment) -> bool:
    """Only the comment's own author edits or deletes it, while it is visible."""
    return (
        can_write(user)
        and comment.author_id == user.pk
        and not comment.is_deleted
        and not comment.is_hidden
    )


def can_toggle_comments(user: User | None, story: Story) -> bool:
    """The story's author turns comments on and off."""
    return can_write(user) and story.author_id == user.pk
