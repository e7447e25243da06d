"""Who may take part: pure predicates shared by insights, comments, likes, follows and reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from byline.stories.policies import can_view_story

if TYPE_CHECKING:
    from byline.accounts.models import User
    from byline.communities.models import Community
    from byline.stories.models import Story


def can_participate(user: User | None) -> bool:
    """Signed in, active and not suspended: a suspended account can read but not write."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "suspended_at", None) is None
    )


def is_public_story(story: Story) -> bool:
    """Published and already visible to everyone (not scheduled for later)."""
    return can_view_story(None, story)


def can_like_story(user: User | None, story: Story) -> bool:
    return can_participate(user) and is_public_story(story) and story.author_id != user.pk


def can_follow_creator(user: User | None, creator: User) -> bool:
    return can_participate(user) and creator.is_active and creator.pk != user.pk


def can_follow_community(user: User | None, community: Community) -> bool:
    return can_participate(user)
