"""Who may see and change a story. Pure predicates, used by views, API, services and CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from byline.accounts.policies import can_write

if TYPE_CHECKING:
    from byline.accounts.models import User
    from byline.stories.models import Story


def is_moderator(user: User | None) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or user.has_perm("stories.moderate_story"))
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


def can_edit_story(user: User | None, story: Story) -> bool:
    """Only the author, and not while suspended."""
    return can_write(user) and story.author_id == user.pk


# --- Story life cycle (API and pages alike). Callers check can_view_story first: 404 before 403.


def can_create_story(user: User | None) -> bool:
    return can_write(user)


def can_submit_story(user: User | None, story: Story) -> bool:
    return can_edit_story(user, story) and story.status in (
        story.Status.DRAFT,
        story.Status.REJECTED,
    )


def can_publish_story(user: User | None, story: Story) -> bool:
    """A moderator approves a submitted story; without review, its author publishes directly."""
    if is_moderator(user) and can_write(user) and story.status == story.Status.SUBMITTED:
        return True
    return not settings.REVIEW and can_submit_story(user, story)


def can_unpublish_story(user: User | None, story: Story) -> bool:
    return story.status == story.Status.PUBLISHED and (
        can_edit_story(user, story) or (is_moderator(user) and can_write(user))
    )


def can_delete_story(user: User | None, story: Story) -> bool:
    return can_edit_story(user, story)
