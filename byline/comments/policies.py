"""Who may read, write and remove comments. Pure predicates, used by views, API and services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from byline.accounts.policies import can_write
from byline.stories.policies import can_view_story, is_moderator

if TYPE_CHECKING:
    from byline.accounts.models import User
    from byline.comments.models import Comment
    from byline.stories.models import Story


def can_comment(user: User | None, story: Story) -> bool:
    return (
        can_write(user)
        and story.is_published
        and can_view_story(user, story)
        and story.comments_enabled
    )


def can_view_comment(user: User | None, comment: Comment) -> bool:
    if not can_view_story(user, comment.story):
        return False
    return not comment.is_hidden or is_moderator(user)


def can_edit_comment(user: User | None, comment: Comment) -> bool:
    return can_write(user) and comment.author_id == user.pk and not comment.is_deleted


def can_delete_comment(user: User | None, comment: Comment) -> bool:
    if comment.is_deleted:
        return False
    return can_edit_comment(user, comment) or (is_moderator(user) and can_write(user))
