"""Who may use the moderation pages, report content and handle reports. The story decisions
themselves are checked again by the story services (byline.stories.policies.can_decide_on_story)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from byline.social.policies import can_participate
from byline.stories.policies import is_moderator

if TYPE_CHECKING:
    from byline.accounts.models import User

MODERATORS_ONLY = "Only moderators can open this page."


def can_use_review_queue(user: User | None) -> bool:
    return is_moderator(user)


def can_read_audit_log(user: User | None) -> bool:
    return is_moderator(user)


def can_report(user: User | None) -> bool:
    return can_participate(user)


def can_handle_reports(user: User | None) -> bool:
    return is_moderator(user)


def can_suspend(user: User | None, target: User) -> bool:
    """Moderators suspend accounts, but never their own or a staff account."""
    return is_moderator(user) and target.pk != user.pk and not target.is_staff
