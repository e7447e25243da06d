from django.conf import settings
from django.db import models
from django.utils import timezone

BODY_MAX_LENGTH = 5000


class Comment(models.Model):
    """A reader's response to a story; `parent` makes it a reply."""

    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_deleted = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["story", "created_at", "id"], name="comment_story_idx"),
            # The author's recent comments: rate limit and duplicate check on every post.
            models.Index(fields=["author", "created_at"], name="comment_author_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.story_id}"

    def get_absolute_url(self) -> str:
        return f"{self.story.get_absolute_url()}#comment-{self.pk}"
