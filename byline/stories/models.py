from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from byline.core.images import ReencodedImageField
from byline.core.rendering import EXCERPT_MAX_LENGTH

TITLE_MAX_LENGTH = 150
SUBTITLE_MAX_LENGTH = 250
BODY_MAX_LENGTH = 100_000
CAPTION_MAX_LENGTH = 300
CREDIT_MAX_LENGTH = 200
MAX_TAGS = 5


class TagQuerySet(models.QuerySet):
    def public(self) -> TagQuerySet:
        """Tags that a published story carries: the only tags a public page, feed, sitemap,
        search filter or API list may name. A tag carried only by drafts, stories in review,
        rejected or unpublished ones is as unknown as one that never existed, so its name (the
        author's words) does not leak and its address is no existence oracle. Reads
        `story_count` (kept by byline.discovery.counts), so it costs no join."""
        return self.filter(story_count__gt=0)


class Tag(models.Model):
    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    # Stories with status "published" carrying this tag, kept by byline.discovery.counts.
    story_count = models.PositiveIntegerField(default=0, editable=False)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["-story_count", "name"], name="tag_popular_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stories:tag", kwargs={"slug": self.slug})


# From this many published stories on, a tag's list walks the newest stories (see tagged()).
TAG_WALK_MIN_STORIES = 1000


# The long text columns of a story, left out of lists (for_cards).
TEXT_FIELDS = ("body", "body_html", "body_text")


class StoryQuerySet(models.QuerySet):
    def published(self) -> StoryQuerySet:
        return self.filter(status=Story.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_cards(self) -> StoryQuerySet:
        """What a story card needs, in one query (tags are prefetched: a second one). Not the
        text: the Markdown, its HTML and its plain text are most of a story's row (tens of KB
        each), and a list page read them for nothing (memory per worker, and on SQLite overflow
        pages). Cards show `summary`, from the short stored excerpt."""
        return (
            self.select_related("author", "community").prefetch_related("tags").defer(*TEXT_FIELDS)
        )

    def tagged(self, tag: Tag) -> StoryQuerySet:
        """Stories with `tag`, for lists in story_feed_idx order (newest first).

        The link table carries no dates, so there are two ways to the newest tagged stories:
        join the tag's links and sort them all (cost: the tag's size), or walk the newest
        published stories and test each for the tag (cost: a page divided by the tag's share of
        the site). `Tag.story_count` decides: a common tag walks (flat at a million stories:
        3 ms against 70 ms for the sort at 10,000 tagged stories on SQLite), a rare one joins.
        Page with `keyset_page(..., ids_first=True)`, so the walk reads indexes only.
        """
        if tag.story_count >= TAG_WALK_MIN_STORIES:
            links = Story.tags.through.objects.filter(story_id=models.OuterRef("pk"), tag=tag)
            return self.filter(models.Exists(links))
        return self.filter(tags=tag)


class Story(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "In review"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stories"
    )
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="stories")

    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    subtitle = models.CharField(max_length=SUBTITLE_MAX_LENGTH, blank=True)
    slug = models.SlugField(max_length=160)
    body = models.TextField(max_length=BODY_MAX_LENGTH, blank=True, help_text="Markdown.")
    # Rendered and sanitized from `body` on every save (never per request).
    body_html = models.TextField(blank=True, editable=False)
    # The visible text of body_html, plain (byline.core.rendering.plain_text), filled with
    # it: what the search index holds, so snippets show what readers read, never Markdown.
    body_text = models.TextField(blank=True, editable=False)
    # The opening of body_text (rendering.excerpt): what cards, feeds, link previews and the
    # API show of the story, read without the text (see for_cards).
    excerpt = models.CharField(max_length=EXCERPT_MAX_LENGTH, blank=True, editable=False)

    hero_image = ReencodedImageField(
        upload_to="heroes/%Y/%m/", blank=True, width_field="hero_width", height_field="hero_height"
    )
    hero_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_caption = models.CharField(max_length=CAPTION_MAX_LENGTH, blank=True)
    hero_image_credit = models.CharField(max_length=CREDIT_MAX_LENGTH, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The text's version: one more on every save of the text (story_update). The editor and the
    # API send back the version they started from, so a save from a stale window or client is
    # refused instead of overwriting newer text (byline.core.transitions).
    version = models.PositiveIntegerField(default=1, editable=False)
    rejection_reason = models.TextField(max_length=2000, blank=True)
    comments_enabled = models.BooleanField(default=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # When the story last entered the review queue (the queue is served oldest first).
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    word_count = models.PositiveIntegerField(default=0, editable=False)
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)

    # Denormalised engagement counters, kept by the services that change them (F() updates) and
    # by the view-count flush; `trending_score` is recomputed periodically (discovery).
    view_count = models.PositiveBigIntegerField(default=0, editable=False)
    like_count = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    insight_count = models.PositiveIntegerField(default=0, editable=False)
    trending_score = models.FloatField(default=0, editable=False)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name_plural = "stories"
        permissions = [("moderate_story", "Can review, approve and reject submitted stories")]
        constraints = [
            models.UniqueConstraint(fields=["author", "slug"], name="story_unique_slug_per_author"),
        ]
        indexes = [
            # Keyset pagination of published lists: (status, published_at, id).
            models.Index(fields=["status", "-published_at", "-id"], name="story_feed_idx"),
            models.Index(
                fields=["community", "status", "-published_at", "-id"], name="story_community_idx"
            ),
            models.Index(
                fields=["author", "status", "-published_at", "-id"], name="story_author_idx"
            ),
            models.Index(fields=["status", "-trending_score", "-id"], name="story_trending_idx"),
            # Search checks each match against these columns: from this index alone, SQLite need
            # not read a story row past its body (overflow pages) just to see its status.
            models.Index(
                fields=["id", "status", "published_at", "community", "author"],
                name="story_search_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stories:detail", kwargs={"handle": self.author.username, "slug": self.slug})

    @property
    def summary(self) -> str:
        """What a list, a feed, a link preview, a search engine or an API client is shown of the
        story: the subtitle, else the opening of its text. Plain text built from the rendered,
        sanitized HTML (never the Markdown source): escape it wherever it goes."""
        return self.subtitle or self.excerpt

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class StorySlugRedirect(models.Model):
    """An old /@handle/slug address that keeps pointing at the story after a rename."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="slug_redirects")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    old_slug = models.SlugField(max_length=160)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["author", "old_slug"], name="story_redirect_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.old_slug} -> {self.story_id}"


class StoryRevision(models.Model):
    """A saved state of a story's text; kept on every save so an author can go back."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    subtitle = models.CharField(max_length=SUBTITLE_MAX_LENGTH, blank=True)
    body = models.TextField(max_length=BODY_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Autosaves within a few minutes of each other update one revision instead of adding many.
    is_autosave = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("stories:revision", kwargs={"pk": self.story_id, "revision_pk": self.pk})


def deleted_account():
    """The sentinel that takes over a deleted account's editor images (see StoryImage.author)."""
    from byline.accounts.services import deleted_user_get

    return deleted_user_get()


def _inline_image_path(instance: StoryImage, filename: str) -> str:
    # The name is ours (a random token), never the client's file name.
    return f"inline/{timezone.now():%Y/%m}/{filename}"


class StoryImage(models.Model):
    """An image uploaded from the editor for use inside a story body (Markdown `![alt](url)`)."""

    # A deleted account's images go to the "Deleted account" sentinel rather than with it: the
    # stories kept under the sentinel (or others' stories) may show them, and the clean-up
    # deletes the rest, with their files, at its next run (story_images_delete_unused).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_account), related_name="story_images"
    )
    image = ReencodedImageField(
        upload_to=_inline_image_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    # Bytes of the stored file, counted against the author's BYLINE_MEDIA_QUOTA_MB.
    size = models.PositiveIntegerField(default=0, editable=False)
    # Every story whose text, now or in a revision, refers to this image (kept by the services
    # when a revision is recorded); an image with none is deleted after BYLINE_MEDIA_UNUSED_DAYS.
    stories = models.ManyToManyField(Story, related_name="inline_images", blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.image.name

    def get_absolute_url(self) -> str:
        return self.image.url
