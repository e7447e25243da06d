"""Notifications for what lower apps announce."""

from __future__ import annotations

from byline.social.services import notification_create

DECISION_MESSAGES = {
    "approve": "“{title}” was approved and is now published.",
    "reject": "“{title}” was not approved: {reason}",
    "unpublish": "“{title}” was unpublished by a moderator: {reason}",
}


def on_story_decided(sender, story, moderator, action: str, reason: str, **kwargs) -> None:
    """The author hears about a moderator's decision on their story (in-app, and by e-mail if
    they chose to)."""
    notification_create(
        recipient=story.author,
        kind="moderation",
        actor=moderator,
        story=story,
        message=DECISION_MESSAGES[action].format(title=story.title, reason=reason),
    )


def connect() -> None:
    from byline.stories.signals import story_decided

    story_decided.connect(on_story_decided, dispatch_uid="social_story_decided")
