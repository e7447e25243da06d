"""Writes to accounts: profile changes and account deletion."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from byline.accounts.models import DELETED_DISPLAY_NAME, DELETED_HANDLE, HandleRedirect, User
from byline.accounts.signals import account_deleting
from byline.core.images import CleanImage


def _delete_files_on_commit(names: list[str]) -> None:
    """Delete stored images (and their renditions) once the change that dropped them is saved."""
    from byline.core.renditions import renditions_delete

    def delete() -> None:
        for name in names:
            renditions_delete(source_name=name)
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


def deleted_user_get() -> User:
    """The one sentinel account ("Deleted account") that keeps stories of deleted accounts."""
    user, created = User.objects.get_or_create(
        username=DELETED_HANDLE,
        defaults={"display_name": DELETED_DISPLAY_NAME, "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def user_sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """End every session of `user` but `keep_session_key`, in whichever session engine is
    configured (database, or the cache in front of it); returns how many were ended.

    Sessions are found through allauth.usersessions, which records each sign-in. A session it
    never saw (one older than it) still ends at its next request: Django checks the password
    hash kept in every session.
    """
    from allauth.usersessions.adapter import get_adapter
    from allauth.usersessions.models import UserSession

    sessions = list(UserSession.objects.filter(user=user).exclude(session_key=keep_session_key))
    get_adapter().end_sessions(sessions)
    return len(sessions)


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    display_name: str,
    handle: str,
    bio: str,
    website: str,
    avatar: CleanImage | None = None,
    remove_avatar: bool = False,
) -> User:
    """Change a profile. A new handle leaves the old one redirecting (HandleRedirect).

    `avatar` must come from `clean_image` (already validated and re-encoded).
    """
    fields = ["display_name", "bio", "website"]
    user.display_name, user.bio, user.website = display_name, bio, website
    if handle != user.username:
        HandleRedirect.objects.filter(old_handle=handle, user=user).delete()
        HandleRedirect.objects.update_or_create(old_handle=user.username, defaults={"user": user})
        # Links to older handles now lead straight to the new one (one hop, never a chain).
        user.username = handle
        fields.append("username")
    dropped: list[str] = []
    if avatar is not None or remove_avatar:
        if user.avatar:
            dropped.append(user.avatar.name)
        if avatar is not None:
            user.avatar.save(avatar.name, avatar.content, save=False)
        else:
            user.avatar = ""
        fields.append("avatar")
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError:
        if avatar is not None:
            default_storage.delete(user.avatar.name)
        raise ValidationError({"handle": "That handle is taken."}) from None
    _delete_files_on_commit(dropped)
    return user


@transaction.atomic
def user_delete(*, user: User, keep_stories: bool) -> None:
    """Delete an account and everything that is only theirs.

    With `keep_stories`, published stories and comments stay, under the "Deleted account"
    sentinel. Without, they go too, except comments others replied to: those stay as empty
    "deleted" placeholders under the sentinel so the replies keep their thread. The apps that
    own stories and comments do their part as receivers of `account_deleting`.
    """
    if user.username == DELETED_HANDLE:
        raise ValueError("The deleted-account sentinel cannot be deleted.")
    sentinel = deleted_user_get()
    files = [user.avatar.name] if user.avatar else []
    results = account_deleting.send(
        sender=User, user=user, sentinel=sentinel, keep_stories=keep_stories
    )
    for _, names in results:
        files += names or []
    user.delete()
    _delete_files_on_commit(files)
