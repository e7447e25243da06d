"""Who may give reader insights. Pure predicates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from byline.accounts.policies import can_write

if TYPE_CHECKING:
    from byline.accounts.models import User
    from byline.stories.models import Story


def can_give_insights(user: User | None, story: Story) -> bool:
    """Signed-in readers of a published story; never its own author."""
    return can_write(user) and story.is_published and story.author_id != user.pk
