from __future__ import annotations

from django.http import Http404

from byline.accounts.models import HandleRedirect, User


def user_get_by_handle(*, handle: str) -> User:
    """The active account at /@handle, following an old handle to its current owner.

    The returned user's `username` differs from `handle` when the caller should redirect.
    Raises Http404 when nobody (active) answers to it.
    """
    user = User.objects.filter(username__iexact=handle, is_active=True).first()
    if user is None:
        moved = (
            HandleRedirect.objects.filter(old_handle=handle.lower(), user__is_active=True)
            .select_related("user")
            .first()
        )
        if moved is None:
            raise Http404("No such person.")
        user = moved.user
    return user
