"""Drop a story's cached page whenever something shown on it changes (see pagecache).

Connected in CoreConfig.ready(). Bulk `QuerySet.update()` sends no signal: code that changes
what a story page shows that way must call `pagecache.bump(story_id)` itself. Counters that the
page does not show (views, trending score) are updated that way on purpose.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
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


def story_tags_changed(sender, instance, pk_set=None, model=None, **kwargs) -> None:
    if isinstance(instance, apps.get_model("stories", "Story")):
        _bump_story(instance.pk)
    else:  # tag.stories.add(...)
        for story_id in pk_set or ():
            _bump_story(story_id)


def related_changed(sender, instance, **kwargs) -> None:
    _bump_story(getattr(instance, "story_id", None))


def user_changed(sender, instance, update_fields=None, created=False, **kwargs) -> None:
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return  # signing in changes nothing any story page shows
    story_ids = list(
        apps.get_model("stories", "Story")
        .objects.filter(author_id=instance.pk)
        .values_list("pk", flat=True)[: _MAX_PER_AUTHOR + 1]
    )
    if len(story_ids) > _MAX_PER_AUTHOR:
        _bump_all()
    for story_id in story_ids:
        _bump_story(story_id)


def site_changed(sender, created=False, **kwargs) -> None:
    if created and sender is not apps.get_model("core", "StaticPage"):
        return  # a new tag or community is on no existing page yet
    _bump_all()


def connect() -> None:
    story = apps.get_model("stories", "Story")
    uid = "byline.pagecache"
    post_save.connect(story_changed, sender=story, dispatch_uid=f"{uid}.story.save")
    post_delete.connect(story_changed, sender=story, dispatch_uid=f"{uid}.story.delete")
    m2m_changed.connect(story_tags_changed, sender=story.tags.through, dispatch_uid=f"{uid}.tags")
    # Like is connected when the social app has it (built in parallel).
    for label in ("comments.Comment", "insights.Insight", "insights.Rating", "social.Like"):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        post_save.connect(related_changed, sender=model, dispatch_uid=f"{uid}.{label}.save")
        post_delete.connect(related_changed, sender=model, dispatch_uid=f"{uid}.{label}.delete")
    post_save.connect(user_changed, sender=get_user_model(), dispatch_uid=f"{uid}.user")
    # Shown on every story page: the community block, tag names, the footer links.
    for label in ("communities.Community", "stories.Tag", "core.StaticPage"):
        model = apps.get_model(label)
        post_save.connect(site_changed, sender=model, dispatch_uid=f"{uid}.{label}.save")
        post_delete.connect(site_changed, sender=model, dispatch_uid=f"{uid}.{label}.delete")
