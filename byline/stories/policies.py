"""Who may see and change a story. Pure predicates, used by views, API, services and CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING

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


def is_author(user: User | None, story: Story) -> bool:
    return bool(user and user.is_authenticated and story.author_id == user.pk)


def can_edit_story(user: User | None, story: Story) -> bool:
    """Only the author edits a story's text, and not while suspended."""
    return is_author(user, story) and can_write(user)


# --- Story life cycle (API and pages alike). Callers check can_view_story first: 404 before 403.


def can_submit_story(user: User | None, story: Story) -> bool:
    return can_edit_story(user, story) and story.status in (
        story.Status.DRAFT,
        story.Status.REJECTED,
    )


def can_unpublish_story(user: User | None, story: Story) -> bool:
    if story.status != story.Status.PUBLISHED:
        return False
    return can_edit_story(user, story) or is_moderator(user)


def can_delete_story(user: User | None, story: Story) -> bool:
    return can_edit_story(user, story)


def can_review_story(user: User | None, story: Story) -> bool:
    """Moderators decide on submitted stories, never on their own."""
    return (
        is_moderator(user) and story.status == story.Status.SUBMITTED and story.author_id != user.pk
    )
