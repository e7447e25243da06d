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


def notification_mark_read(*, recipient: User, notification: Notification | None = None) -> int:
    """Mark one notification (or, without one, all of them) read; the number marked."""
    from django.utils import timezone

    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())
