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
