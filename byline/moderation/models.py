from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class ModerationAction(models.Model):
    """The audit log: every moderation decision, who made it, when and why. Append-only."""

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved story"
        REJECT = "reject", "Rejected story"
        UNPUBLISH = "unpublish", "Unpublished story"
        HIDE = "hide", "Hid content"
        UNHIDE = "unhide", "Restored content"
        REMOVE = "remove", "Removed content"
        SUSPEND = "suspend", "Suspended account"
        UNSUSPEND = "unsuspend", "Lifted suspension"
        DISMISS_REPORT = "dismiss_report", "Dismissed report"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    # A readable copy of what was acted on, kept even if the target is deleted later.
    target_repr = models.CharField(max_length=300)
    reason = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="moderation_target_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target_repr}"
