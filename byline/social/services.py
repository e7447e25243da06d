"""Writes for likes, follows and notifications. Each checks its policy (social/policies.py)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from byline.accounts.models import User
from byline.communities.models import Community
from byline.core.outbox import enqueue_on_commit
from byline.social.models import EmailPreference, Follow, Like, Notification
from byline.social.policies import can_follow_community, can_follow_creator, can_like_story
from byline.stories.models import Story


def _email_later(notification: Notification) -> None:
    """Queue the e-mail copy after commit if the recipient asked for this kind."""
    preference = EmailPreference.objects.filter(user_id=notification.recipient_id).first()
    if preference is None or not preference.wants(notification.kind):
        return
    from byline.social.tasks import notification_send_email

    enqueue_on_commit(notification_send_email, notification_id=notification.pk)


def notification_create(
    *,
    recipient: User,
    kind: str,
    actor: User | None = None,
    story=None,
    comment=None,
    message: str = "",
    actor_count: int = 1,
) -> Notification | None:
    """Record an in-app notification (and queue its e-mail). Nobody is notified of their own
    action."""
    if actor is not None and actor.pk == recipient.pk:
        return None
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        actor=actor,
        story=story,
        comment=comment,
        message=message[:500],
        actor_count=max(actor_count, 1),
    )
    _email_later(notification)
    return notification


@transaction.atomic
def notification_group_add(
    *, recipient: User, kind: str, actor: User, story: Story, actor_count: int
) -> Notification | None:
    """One unread row per story and kind: "Bob and 3 others liked ...", where `actor_count` is
    how many different people have done it so far (the caller counts them). A new actor updates
    the unread row (and moves it to the top) instead of adding a row per like or insight.

    Callers hold the story row lock (their F() counter update comes first in the same
    transaction), so parallel requests for one story take turns here and cannot create two rows.
    """
    if actor.pk == recipient.pk:
        return None
    existing = (
        Notification.objects.select_for_update()
        .filter(recipient=recipient, kind=kind, story=story, read_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if existing is None:
        return notification_create(
            recipient=recipient, kind=kind, actor=actor, story=story, actor_count=actor_count
        )
    existing.created_at = timezone.now()
    existing.actor = actor
    existing.actor_count = max(actor_count, 1)
    existing.save(update_fields=["created_at", "actor", "actor_count"])
    return existing


def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    if notification.recipient_id != user.pk:
        raise PermissionDenied("That is not your notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, user: User) -> int:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def email_preference_set(*, user: User, kinds: set[str]) -> EmailPreference:
    """Turn e-mail copies on for exactly `kinds` (the rest off)."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    preference, _ = EmailPreference.objects.get_or_create(user=user)
    for kind in EmailPreference.KINDS:
        setattr(preference, kind, kind in kinds)
    preference.save(update_fields=list(EmailPreference.KINDS))
    return preference


def like_add(*, story: Story, user: User) -> Like:
    """Heart a story (idempotent); the author hears about it, grouped per story."""
    if not can_like_story(user, story):
        raise PermissionDenied("You cannot like this story.")
    try:
        with transaction.atomic():
            like, created = Like.objects.get_or_create(story=story, user=user)
            if created:
                Story.objects.filter(pk=story.pk).update(like_count=F("like_count") + 1)
                notification_group_add(
                    recipient=story.author,
                    kind=Notification.Kind.LIKE,
                    actor=user,
                    story=story,
                    actor_count=Like.objects.filter(story=story).count(),
                )
    except IntegrityError:  # a parallel request created it first
        like = Like.objects.get(story=story, user=user)
    return like


@transaction.atomic
def like_remove(*, story: Story, user: User) -> bool:
    if not can_like_story(user, story):
        raise PermissionDenied("You cannot like this story.")
    deleted, _ = Like.objects.filter(story=story, user=user).delete()
    if deleted:
        Story.objects.filter(pk=story.pk).update(like_count=F("like_count") - 1)
    return bool(deleted)


def follow_creator(*, follower: User, creator: User) -> Follow:
    if not can_follow_creator(follower, creator):
        raise PermissionDenied("You cannot follow this account.")
    try:
        with transaction.atomic():
            follow, created = Follow.objects.get_or_create(follower=follower, creator=creator)
            # Unfollow-and-follow-again must not flood the creator's bell.
            already_told = Notification.objects.filter(
                recipient=creator,
                kind=Notification.Kind.FOLLOW,
                actor=follower,
                read_at__isnull=True,
            ).exists()
            if created and not already_told:
                notification_create(
                    recipient=creator, kind=Notification.Kind.FOLLOW, actor=follower
                )
    except IntegrityError:
        follow = Follow.objects.get(follower=follower, creator=creator)
    return follow


def unfollow_creator(*, follower: User, creator: User) -> bool:
    if not can_follow_creator(follower, creator):
        raise PermissionDenied("You cannot follow this account.")
    deleted, _ = Follow.objects.filter(follower=follower, creator=creator).delete()
    return bool(deleted)


def follow_community(*, follower: User, community: Community) -> Follow:
    if not can_follow_community(follower, community):
        raise PermissionDenied("You cannot follow this community.")
    try:
        with transaction.atomic():
            follow, _ = Follow.objects.get_or_create(follower=follower, community=community)
    except IntegrityError:
        follow = Follow.objects.get(follower=follower, community=community)
    return follow


def unfollow_community(*, follower: User, community: Community) -> bool:
    if not can_follow_community(follower, community):
        raise PermissionDenied("You cannot follow this community.")
    deleted, _ = Follow.objects.filter(follower=follower, community=community).delete()
    return bool(deleted)
