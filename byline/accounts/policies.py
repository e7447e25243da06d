"""Who may do what with accounts, and which handles may be taken. Pure predicates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from byline.accounts.models import RESERVED_HANDLES, handle_validator
from byline.accounts.names import is_reserved_handle

if TYPE_CHECKING:
    from byline.accounts.models import User


def handle_problem(handle: str, *, check_taken: bool = True, user: User | None = None) -> str:
    """Why `handle` (already through `names.clean_handle`) cannot be used (by `user`, if given),
    or "" when it can. Reserved handles, their look-alikes and handles that contain a staff word
    ("admin", "support", "byline"...) are refused."""
    if user is not None and handle == user.username:
        return ""  # keeping one's own handle is always allowed, even one made before a rule
    try:
        handle_validator(handle)
    except ValidationError as error:
        return error.messages[0]
    if is_reserved_handle(handle, RESERVED_HANDLES):
        return (
            "That handle is reserved: it names the site or its staff, or looks like a name that "
            "does. Please choose another."
        )
    if check_taken:
        from byline.accounts.models import HandleRedirect, User

        others = User.objects.exclude(pk=user.pk) if user else User.objects.all()
        if others.filter(username__iexact=handle).exists():
            return "That handle is taken."
        old = HandleRedirect.objects.filter(old_handle=handle)
        if user:
            old = old.exclude(user=user)
        if old.exists():
            return "That handle is taken."
    return ""


def can_edit_profile(user: User | None, profile: User) -> bool:
    """Only the person themselves, and not while suspended (a suspension is a write ban)."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and not user.is_suspended
        and user.pk == profile.pk
    )
