from django.conf import settings
from django.db import models
from django.urls import reverse
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
    # Likes and insights on one story are grouped into one unread row: "Bob and 3 others ...".
    actor_count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set (compare-and-set) by the e-mail task before it sends: a second run sends nothing.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id}"

    def get_absolute_url(self) -> str:
        if self.comment_id:
            return f"{self.story.get_absolute_url()}#comment-{self.comment_id}"
        if self.story_id:
            return self.story.get_absolute_url()
        if self.kind == self.Kind.FOLLOW and self.actor_id:
            return self.actor.get_absolute_url()
        return reverse("social:notifications")

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def others_count(self) -> int:
        return max(self.actor_count - 1, 0)

    @property
    def text(self) -> str:
        """One line for the bell, the notifications page and the e-mail (plain text)."""
        who = self.actor.name if self.actor_id else "Someone"
        if self.others_count:
            who += f" and {self.others_count} other{'s' if self.others_count > 1 else ''}"
        title = f"\u201c{self.story.title}\u201d" if self.story_id else "your story"
        match self.kind:
            case self.Kind.COMMENT:
                return f"{who} commented on {title}"
            case self.Kind.REPLY:
                return f"{who} replied to your comment on {title}"
            case self.Kind.INSIGHT:
                return f"{who} shared insights on {title}"
            case self.Kind.LIKE:
                return f"{who} liked {title}"
            case self.Kind.FOLLOW:
                return f"{who} started following you"
        return self.message or self.get_kind_display()


class Like(models.Model):
    """One reader's heart on one story."""

    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "user"], name="like_once_per_reader"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.story_id}"

    def get_absolute_url(self) -> str:
        return self.story.get_absolute_url()


class Follow(models.Model):
    """`follower` follows either a creator or a community (exactly one of the two)."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following"
    )
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "creator"],
                condition=models.Q(creator__isnull=False),
                name="follow_creator_once",
            ),
            models.UniqueConstraint(
                fields=["follower", "community"],
                condition=models.Q(community__isnull=False),
                name="follow_community_once",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(creator__isnull=False, community__isnull=True)
                    | models.Q(creator__isnull=True, community__isnull=False)
                ),
                name="follow_one_target",
            ),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("creator")), name="follow_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["creator", "-created_at", "-id"], name="follow_creator_idx"),
            models.Index(fields=["community", "-created_at", "-id"], name="follow_community_idx"),
            models.Index(fields=["follower", "-created_at", "-id"], name="follow_follower_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.creator_id or self.community_id}"

    def get_absolute_url(self) -> str:
        return self.target.get_absolute_url()

    @property
    def target(self):
        return self.creator or self.community


class EmailPreference(models.Model):
    """Which notification kinds a person also wants by e-mail (all off until they opt in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference"
    )
    comment = models.BooleanField("Comments on my stories", default=False)
    reply = models.BooleanField("Replies to my comments", default=False)
    insight = models.BooleanField("Insights on my stories", default=False)
    like = models.BooleanField("Likes on my stories", default=False)
    follow = models.BooleanField("New followers", default=False)
    moderation = models.BooleanField("Moderation decisions", default=False)

    KINDS = ("comment", "reply", "insight", "like", "follow", "moderation")

    def __str__(self) -> str:
        return f"E-mail preferences of {self.user_id}"

    def get_absolute_url(self) -> str:
        return reverse("social:notification_settings")

    def wants(self, kind: str) -> bool:
        return kind in self.KINDS and bool(getattr(self, kind))
