"""Who may see and change a story. Pure predicates, used by views, API, services and CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

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
    return bool(user and user.is_authenticated and user.is_active and story.author_id == user.pk)
