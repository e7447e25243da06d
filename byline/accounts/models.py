from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from byline.core.images import ReencodedImageField

HANDLE_MAX_LENGTH = 30
BIO_MAX_LENGTH = 600

handle_validator = RegexValidator(
    r"^[a-z0-9_]{2,30}\Z",
    "A handle has 2 to 30 characters: lowercase letters, digits and underscores.",
)

# Handles that would shadow a site path or mislead readers.
RESERVED_HANDLES = frozenset(
    {
        "admin",
        "administrator",
        "api",
        "accounts",
        "static",
        "media",
        "explore",
        "search",
        "feeds",
        "about",
        "byline",
        "moderation",
        "settings",
        "me",
        "write",
        "healthz",
        "readyz",
        "deleted",
        "signup",
        "login",
        "logout",
        "tags",
        "communities",
        "notifications",
        "help",
        "support",
        "privacy",
        "terms",
        "contact",
        "staff",
        "root",
        "system",
        "moderator",
        "null",
        "none",
        "anonymous",
    }
)

# The one account that keeps the published stories of people who deleted theirs.
DELETED_HANDLE = "deleted"
DELETED_DISPLAY_NAME = "Deleted account"


class HandleUserManager(UserManager):
    def get_by_natural_key(self, username: str) -> User:
        return self.get(username__iexact=username)


class User(AbstractUser):
    """An account: reader, creator, moderator and operator alike. `username` is the @handle."""

    username = models.CharField(
        "handle",
        max_length=HANDLE_MAX_LENGTH,
        unique=True,
        validators=[handle_validator],
        help_text="Your address on the site: /@handle. Lowercase letters, digits and underscores.",
        error_messages={"unique": "That handle is taken."},
    )
    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField(max_length=BIO_MAX_LENGTH, blank=True)
    website = models.URLField(max_length=200, blank=True)
    avatar = ReencodedImageField(upload_to="avatars/%Y/%m/", blank=True)
    # A suspended account can still sign in and read, but not write anything.
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=500, blank=True)

    objects = HandleUserManager()

    class Meta:
        ordering = ["username"]
        constraints = [
            # Handles are stored lowercase; this keeps "Alice" from ever sitting beside "alice",
            # whatever path (a bulk write, a future form) forgets to lowercase.
            models.UniqueConstraint(Lower("username"), name="accounts_user_handle_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Every path that sets a name (forms, admin, importers, create_user) ends here: none can
        # store a bidi override or a zero-width character.
        from byline.accounts.names import clean_display_name, clean_handle

        update_fields = kwargs.get("update_fields")
        if update_fields is None or "display_name" in update_fields:
            self.display_name = clean_display_name(self.display_name)
        if update_fields is None or "username" in update_fields:
            self.username = clean_handle(self.username)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"handle": self.username})

    @property
    def handle(self) -> str:
        return self.username

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def website_label(self) -> str:
        """The website as people write it: no scheme, no trailing slash."""
        label = self.website.split("://", 1)[-1]
        return label[:-1] if label.endswith("/") and label.count("/") == 1 else label


class HandleRedirect(models.Model):
    """A handle someone used before: /@old and /@old/slug keep pointing at them.

    An old handle stays reserved for the person who gave it up, so that links shared under it
    can never start pointing at someone else.
    """

    old_handle = models.CharField(max_length=HANDLE_MAX_LENGTH, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="handle_redirects")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"@{self.old_handle} -> @{self.user.username}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"handle": self.old_handle})
