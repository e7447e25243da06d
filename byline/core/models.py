from django.db import models
from django.urls import reverse
from django.utils import timezone


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
        from byline.core.rendering import render_markdown

        self.body_html = render_markdown(self.body)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("core:page", kwargs={"slug": self.slug})


class ImageRendition(models.Model):
    """One resized copy of a stored image (a width in one format), made by a background task.

    Templates build `srcset` from these rows alone, without touching the storage.
    """

    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    source_name = models.CharField(max_length=255, db_index=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=4, choices=Format.choices)
    storage_name = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source_name", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_name", "format", "width"], name="rendition_unique_size"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_name} {self.width}w {self.format}"

    def get_absolute_url(self) -> str:
        return self.url

    @property
    def url(self) -> str:
        from django.core.files.storage import default_storage

        return default_storage.url(self.storage_name)


class OutboxTask(models.Model):
    """A background task waiting to be handed to the task queue (see byline.core.outbox).

    Written in the same transaction as the change it follows, so the change and its side
    effects commit together; deleted once the queue has taken the task. Rows that stay are
    those the queue refused (Redis down): the sweep re-sends them when due.
    """

    task_path = models.CharField(max_length=255)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    # Nobody sends the row before this time: the back-off after a failure, or the claim of the
    # process that is sending it now (so two sweepers never send the same row).
    not_before = models.DateTimeField(db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["not_before", "id"]
        verbose_name = "waiting background task"

    def __str__(self) -> str:
        return f"{self.task_path} ({self.attempts} attempts)"

    def get_absolute_url(self) -> str:
        return reverse("admin:core_outboxtask_change", args=[self.pk])
