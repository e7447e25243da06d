"""Who may give reader insights."""

from __future__ import annotations

from typing import TYPE_CHECKING

from byline.social.policies import can_participate, is_public_story

if TYPE_CHECKING:
    from byline.accounts.models import User
    from byline.stories.models import Story


def can_give_insights(user: User | None, story: Story) -> bool:
    """Signed-in readers, not the author, on published stories; suspended accounts cannot."""
    return can_participate(user) and is_public_story(story) and story.author_id != user.pk


def can_see_full_counts(user: User | None, story: Story) -> bool:
    """The author sees every count, zeros included (creators asked for it; Vocal hides them)."""
    return bool(user is not None and user.is_authenticated and story.author_id == user.pk)
