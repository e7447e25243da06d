from django.db import models
from django.urls import reverse

from byline.core.images import ReencodedImageField


class Community(models.Model):
    """A place stories are published into, with its own listing page (e.g. "Earth")."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(max_length=500, blank=True)
    logo = ReencodedImageField(upload_to="communities/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Stories with status "published" in this community, kept by byline.discovery.counts.
    story_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "communities"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:detail", kwargs={"slug": self.slug})
