"""Drop a story's cached page whenever something shown on it changes (see pagecache).

Each app connects the models a story page shows from its AppConfig.ready() (watch_stories,
watch_story_parts, watch_authors, watch_site). Bulk `QuerySet.update()` sends no signal: code
that changes what a story page shows that way must call `pagecache.bump(story_id)` itself.
Counters that the page does not show (views, trending score) are updated that way on purpose.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

from byline.core import pagecache

# An author with more stories than this changing their profile drops every cached page instead.
_MAX_PER_AUTHOR = 1000


def _bump_story(story_id: int | None) -> None:
    if story_id is None:
        return
    # Now, so no worker keeps serving the old page; and after commit, so a page rendered from the
    # old rows during the transaction is not kept under the new version.
    pagecache.bump(story_id)
    transaction.on_commit(lambda: pagecache.bump(story_id))


def _bump_all() -> None:
    pagecache.bump_all()
    transaction.on_commit(pagecache.bump_all)


def story_changed(sender, instance, **kwargs) -> None:
    _bump_story(instance.pk)


_story_models: set[type] = set()


def story_tags_changed(sender, instance, pk_set=None, **kwargs) -> None:
    if type(instance) in _story_models:
        _bump_story(instance.pk)
    else:  # tag.stories.add(...)
        for story_id in pk_set or ():
            _bump_story(story_id)


def part_changed(sender, instance, **kwargs) -> None:
    _bump_story(getattr(instance, "story_id", None))


# What an author's stories are (set by watch_authors): their pages show the author's profile.
_stories_of_author: Callable[[int], QuerySet] | None = None


def author_changed(sender, instance, update_fields=None, created=False, **kwargs) -> None:
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return  # signing in changes nothing any story page shows
    if _stories_of_author is None:
        return
    story_ids = list(_stories_of_author(instance.pk)[: _MAX_PER_AUTHOR + 1])
    if len(story_ids) > _MAX_PER_AUTHOR:
        _bump_all()
        return
    for story_id in story_ids:
        _bump_story(story_id)


_new_rows_shown: set[type] = set()


def site_changed(sender, created=False, **kwargs) -> None:
    if created and sender not in _new_rows_shown:
        return  # a new tag or community is on no existing page yet
    _bump_all()


# Each app says, from its AppConfig.ready(), which of its models a story page shows; core knows
# none of them.
def watch_stories(model: type) -> None:
    """`model` is the story: a save, a delete or a change of its tags drops its page."""
    _story_models.add(model)
    uid = f"byline.pagecache.{model._meta.label}"
    post_save.connect(story_changed, sender=model, dispatch_uid=f"{uid}.save")
    post_delete.connect(story_changed, sender=model, dispatch_uid=f"{uid}.delete")
    m2m_changed.connect(story_tags_changed, sender=model.tags.through, dispatch_uid=f"{uid}.tags")


def watch_story_parts(*models: type) -> None:
    """Rows shown on one story's page, found by their `story_id` (comments, insights, likes)."""
    for model in models:
        uid = f"byline.pagecache.{model._meta.label}"
        post_save.connect(part_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(part_changed, sender=model, dispatch_uid=f"{uid}.delete")


def watch_authors(user_model: type, stories_of: Callable[[int], QuerySet]) -> None:
    """A profile change drops the pages of the author's stories (`stories_of(user_id)`: a
    queryset of their ids, sliced here), or every page for an author of very many."""
    global _stories_of_author
    _stories_of_author = stories_of
    post_save.connect(author_changed, sender=user_model, dispatch_uid="byline.pagecache.author")


def watch_site(*models: type, new_rows_shown: bool = False) -> None:
    """Rows shown on every story page (the community block, tag names, the footer links): a
    change drops every page; so does a new row when `new_rows_shown` (a new footer page)."""
    for model in models:
        if new_rows_shown:
            _new_rows_shown.add(model)
        uid = f"byline.pagecache.{model._meta.label}"
        post_save.connect(site_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(site_changed, sender=model, dispatch_uid=f"{uid}.delete")
