"""The stories app's part in what lower apps announce."""

from __future__ import annotations

from byline.stories.models import Story
from byline.stories.services import unique_slug


def on_account_deleting(sender, user, sentinel, keep_stories: bool, **kwargs) -> list[str]:
    """Published stories the holder chose to keep move to the "Deleted account" (each under a
    slug free there); the rest go with the account, so their hero images are deleted after."""
    if keep_stories:
        for story in Story.objects.filter(author=user, status=Story.Status.PUBLISHED).only(
            "pk", "slug", "title", "author_id"
        ):
            story.slug = unique_slug(author=sentinel, title=story.slug, exclude_pk=story.pk)
            story.author = sentinel
            story.save(update_fields=["author", "slug"])
    return [
        name
        for name in Story.objects.filter(author=user).values_list("hero_image", flat=True)
        if name
    ]


def connect() -> None:
    from byline.accounts.signals import account_deleting

    account_deleting.connect(on_account_deleting, dispatch_uid="stories_account_deleting")
