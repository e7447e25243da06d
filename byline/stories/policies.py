"""Who may see and change a story. Pure predicates, used by views, API, services and CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone

if TYPE_CHECKING:
    from byline.accounts.models import User
    from byline.stories.models import Story

SUSPENDED_MESSAGE = (
    "Your account is suspended, so you cannot write, edit, submit or upload for now. "
    "Reading still works. If you think this is a mistake, please contact the moderators."
)


def is_moderator(user: User | None) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or user.has_perm("stories.moderate_story"))
    )


def can_write(user: User | None) -> bool:
    """Signed in, active and not suspended: may create stories and upload images."""
    return bool(
        user and user.is_authenticated and user.is_active and not getattr(user, "is_suspended", 0)
    )


def can_view_story(user: User | None, story: Story) -> bool:
    """Published stories are public; anything else only for its author and moderators."""
    if (
        story.status == story.Status.PUBLISHED
        and story.published_at
        and (story.published_at <= timezone.now())
    ):
        return True
    if user is None or not user.is_authenticated:
        return False
    return story.author_id == user.pk or is_moderator(user)


def is_author(user: User | None, story: Story) -> bool:
    return bool(user and user.is_authenticated and story.author_id == user.pk)


def can_edit_story(user: User | None, story: Story) -> bool:
    """Only the author edits a story's text (moderators decide; they do not rewrite)."""
    return is_author(user, story) and can_write(user)


def can_delete_story(user: User | None, story: Story) -> bool:
    return can_edit_story(user, story)


def can_decide_on_story(user: User | None, story: Story) -> bool:
    """Moderators decide on other people's stories, never on their own. Whether the story's
    state allows a decision is checked by the state change itself (byline.core.transitions)."""
    return is_moderator(user) and story.author_id != user.pk


def require(allowed: bool, user: User | None, message: str = "You cannot do that.") -> None:
    """Raise PermissionDenied unless `allowed`: with the suspension notice for a suspended
    account, else with `message`."""
    if allowed:
        return
    if user is not None and user.is_authenticated and getattr(user, "is_suspended", False):
        raise PermissionDenied(SUSPENDED_MESSAGE)
    raise PermissionDenied(message)
