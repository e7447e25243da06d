"""Who may report and who handles reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from byline.social.policies import can_participate
from byline.stories.policies import is_moderator

if TYPE_CHECKING:
    from byline.accounts.models import User


def can_report(user: User | None) -> bool:
    return can_participate(user)


def can_handle_reports(user: User | None) -> bool:
    return is_moderator(user)


def can_suspend(user: User | None, target: User) -> bool:
    """Moderators suspend accounts, but never their own or a staff account."""
    return is_moderator(user) and target.pk != user.pk and not target.is_staff
