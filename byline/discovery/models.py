from django.conf import settings
from django.db import models
from django.utils import timezone


class StaffPick(models.Model):
    """A story featured on the home page by a moderator or an operator (admin)."""

    story = models.OneToOneField(
        "stories.Story", on_delete=models.CASCADE, related_name="staff_pick"
    )
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="staffpick_recent_idx")]

    def __str__(self) -> str:
        return f"Staff pick: {self.story}"

    def get_absolute_url(self) -> str:
        return self.story.get_absolute_url()
