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


def user_for_login(*, login: str) -> User | None:
    """The account a sign-in identifier names: a handle, or one of the account's e-mail
    addresses (verified or not), compared without case after normalisation. None if nobody."""
    from allauth.account.models import EmailAddress

    from byline.accounts.names import clean_handle

    login = clean_handle(login)
    if not login:
        return None
    if "@" in login:
        address = EmailAddress.objects.filter(email__iexact=login).select_related("user").first()
        if address is not None:
            return address.user
        return User.objects.filter(email__iexact=login).first()
    return User.objects.filter(username__iexact=login).first()
