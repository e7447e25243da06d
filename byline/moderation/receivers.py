"""The moderation log's part in what lower apps announce."""

from __future__ import annotations

from byline.moderation.services import moderation_log


def on_story_decided(sender, story, moderator, action: str, reason: str, **kwargs) -> None:
    """Every moderator decision on a story is an entry in the audit log (same transaction)."""
    moderation_log(actor=moderator, action=action, target=story, reason=reason)


def connect() -> None:
    from byline.stories.signals import story_decided

    story_decided.connect(on_story_decided, dispatch_uid="moderation_story_decided")
