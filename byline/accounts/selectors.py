from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from byline.accounts.models import DELETED_HANDLE, HandleRedirect, User


def user_get_by_handle(*, handle: str) -> User:
    """The active account at /@handle, following an old handle to its current owner.

    The returned user's `username` differs from `handle` when the caller should redirect.
    Raises Http404 when nobody (active) answers to it.
    """
    # The "Deleted account" sentinel cannot sign in, but its page lists the stories kept under it.
    answering = Q(is_active=True) | Q(username=DELETED_HANDLE)
    user = User.objects.filter(answering, username__iexact=handle).first()
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
