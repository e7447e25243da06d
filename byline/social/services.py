from __future__ import annotations

from byline.accounts.models import User
from byline.social.models import Notification


def notification_create(
    *,
    recipient: User,
    kind: str,
    actor: User | None = None,
    story=None,
    comment=None,
    message: str = "",
) -> Notification | None:
    """Record an in-app notification. Nobody is notified of their own action."""
    if actor is not None and actor.pk == recipient.pk:
        return None
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        actor=actor,
        story=story,
        comment=comment,
        message=message[:500],
    )


def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    if notification.recipient_id != user.pk:
        raise PermissionDenied("That is not your notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, user: User) -> int:
    from django.utils import timezone

    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
