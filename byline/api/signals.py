"""The API app's part in account events: accounts sends, api listens (never the reverse)."""

from __future__ import annotations

from django.utils import timezone

from byline.accounts.signals import credentials_changed
from byline.api.models import ApiToken


def revoke_tokens_on_credentials_change(sender, user, reason, **kwargs) -> str | None:
    """A new password ends the old trust: every active token of the account is revoked (a token
    made by whoever knew the old password must not outlive it)."""
    revoked = ApiToken.objects.active().filter(user=user).update(revoked_at=timezone.now())
    if not revoked:
        return None
    if revoked == 1:
        return "1 API token was revoked: create a new one under Settings, API tokens"
    return f"{revoked} API tokens were revoked: create new ones under Settings, API tokens"


def connect() -> None:
    credentials_changed.connect(revoke_tokens_on_credentials_change, dispatch_uid="api_tokens")
