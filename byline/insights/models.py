from django.conf import settings
from django.db import models
from django.utils import timezone

from byline.insights.labels import INSIGHT_CHOICES, RATING_CHOICES


class Rating(models.Model):
    """A reader's one overall rating of a story (changeable)."""

    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="ratings")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(max_length=20, choices=RATING_CHOICES)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "reader"], name="rating_one_per_reader"),
        ]

    def __str__(self) -> str:
        return f"{self.get_value_display()} on {self.story_id}"


class Insight(models.Model):
    """One top insight given by one reader to one story (at most one of each kind)."""

    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="insights")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=INSIGHT_CHOICES)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["story", "reader", "kind"], name="insight_once_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.story_id}"
