"""Who may use the moderation pages. The story decisions themselves are checked again by the
story services (byline.stories.policies.can_review_story)."""

from __future__ import annotations

from byline.stories.policies import is_moderator

MODERATORS_ONLY = "Only moderators can open this page."


def can_use_review_queue(user) -> bool:
    return is_moderator(user)


def can_read_audit_log(user) -> bool:
    return is_moderator(user)
