"""Who may do what as an account. Pure predicates, used by views, API, services and CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from byline.accounts.models import User


def can_write(user: User | None) -> bool:
    """Signed in, active and not suspended: may create or change content."""
    return bool(user and user.is_authenticated and user.is_active and user.suspended_at is None)
