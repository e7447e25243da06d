from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from byline.accounts.models import User
from byline.moderation.models import ModerationAction


def moderation_log(
    *, actor: User | None, action: str, target: models.Model, reason: str = ""
) -> ModerationAction:
    """Append one entry to the audit log. Call it inside the same transaction as the change."""
    return ModerationAction.objects.create(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        target_repr=str(target)[:300],
        reason=reason,
    )
