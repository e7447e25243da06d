from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
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
        FEATURE = "feature", "Featured story"
        UNFEATURE = "unfeature", "Unfeatured story"

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


class Report(models.Model):
    """A signed-in person's report of a story or a comment, waiting for a moderator."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        HARASSMENT = "harassment", "Harassment or hate"
        MISINFORMATION = "misinformation", "Misleading or false information"
        PLAGIARISM = "plagiarism", "Plagiarism or copyright"
        EXPLICIT = "explicit", "Sexual or violent content"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Acted on"
        DISMISSED = "dismissed", "Dismissed"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    story = models.ForeignKey(
        "stories.Story", on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    comment = models.ForeignKey(
        "comments.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(story__isnull=False, comment__isnull=True)
                    | models.Q(story__isnull=True, comment__isnull=False)
                ),
                name="report_one_target",
            ),
            # One open report per person per target: reporting twice does not jump the queue.
            models.UniqueConstraint(
                fields=["reporter", "story"],
                condition=models.Q(status="open", story__isnull=False),
                name="report_story_once_while_open",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=models.Q(status="open", comment__isnull=False),
                name="report_comment_once_while_open",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at", "id"], name="report_queue_idx")]

    def __str__(self) -> str:
        target = f"comment {self.comment_id}" if self.comment_id else f"story {self.story_id}"
        return f"Report {self.pk} on {target} ({self.get_reason_display()})"

    def get_absolute_url(self) -> str:
        return f"{reverse('moderation:reports')}#report-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
