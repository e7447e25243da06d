"""Keep the search index in step with stories, whoever changes them (services, admin, API, CLI):
publish, edit, unpublish and tag changes re-sync the story's row; delete removes it (the
foreign key cascades, and on SQLite the FTS5 triggers follow)."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from byline.search.backends import get_backend
from byline.stories.models import Story, Tag

# Saves that cannot change what is indexed (counters, scores) skip the work.
_INDEXED_FIELDS = {"title", "subtitle", "body", "status", "published_at", "slug"}


@receiver(post_save, sender=Story, dispatch_uid="search_story_saved")
def story_saved(sender, instance: Story, created: bool, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if update_fields is not None and not (set(update_fields) & _INDEXED_FIELDS):
        return
    unpublished = instance.status != Story.Status.PUBLISHED
    if unpublished and (created or (update_fields is not None and "status" not in update_fields)):
        # Only published stories are indexed, and a story leaves the index by a save that changes
        # its status: a new draft, or a draft edited (autosave, every few seconds), has no row.
        return
    get_backend().sync(story_ids=[instance.pk])


@receiver(m2m_changed, sender=Story.tags.through, dispatch_uid="search_story_tags_changed")
def story_tags_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        get_backend().sync(story_ids=[instance.pk])
    elif action == "post_clear":
        # tag.stories.clear(): which stories lost the tag is no longer known; pre_clear below
        # remembered them.
        get_backend().sync(story_ids=getattr(instance, "_search_cleared_story_ids", []))
    else:
        get_backend().sync(story_ids=pk_set or [])


@receiver(m2m_changed, sender=Story.tags.through, dispatch_uid="search_story_tags_clearing")
def story_tags_clearing(sender, instance, action: str, reverse: bool, **kwargs):
    if action == "pre_clear" and reverse and isinstance(instance, Tag):
        instance._search_cleared_story_ids = list(instance.stories.values_list("pk", flat=True))


@receiver(post_save, sender=Tag, dispatch_uid="search_tag_saved")
def tag_saved(sender, instance: Tag, created: bool, raw=False, **kwargs):
    """A renamed tag changes the text of every story that carries it."""
    if raw or created:
        return
    get_backend().sync(story_ids=instance.stories.values_list("pk", flat=True))
