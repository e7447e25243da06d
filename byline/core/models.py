from django.db import models
from django.urls import reverse


class StaticPage(models.Model):
    """An operator-editable page linked from the footer (Contact, Privacy Policy, ...)."""

    slug = models.SlugField(max_length=50, unique=True)
    title = models.CharField(max_length=100)
    body = models.TextField(max_length=50_000, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    in_footer = models.BooleanField(default=True)
    footer_order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["footer_order", "title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        from byline.stories.rendering import render_markdown

        self.body_html = render_markdown(self.body)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("core:page", kwargs={"slug": self.slug})
