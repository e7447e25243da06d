from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """An in-app notice for one person (bell icon). Created by services, never by views."""

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment on your story"
        REPLY = "reply", "Reply to your comment"
        INSIGHT = "insight", "Insight on your story"
        LIKE = "like", "Like on your story"
        FOLLOW = "follow", "New follower"
        MODERATION = "moderation", "Moderation decision"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    story = models.ForeignKey(
        "stories.Story", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        "comments.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id}"
