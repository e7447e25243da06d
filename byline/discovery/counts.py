"""Denormalised story counts: `Community.story_count` and `Tag.story_count`.

Explore, /communities/ and the popular tags read these columns instead of counting a million
stories per request. "Count" means stories with status *published*, including the few scheduled
for later (published_at in the future): a scheduled story becomes visible without any write, so
no signal could add it at the right moment; counting it a little early is the accepted trade-off.

Kept right by the receivers below (connected in DiscoveryConfig.ready), whoever changes stories
(services, admin, API, CLI): a save that changes a story's status or community, tag changes on
either side of the m2m, and deletes recount the communities and tags concerned, after commit,
with one filtered GROUP BY each (`recount`). Rows written without the ORM (bulk loads,
`QuerySet.update()` of status or community) send no signals: `byline reindex` ends with
`recount_all()`, set-based.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_save,
)

from byline.communities.models import Community
from byline.stories.models import Story, Tag

PUBLISHED = Story.Status.PUBLISHED
# Only these fields decide what a story counts for (its tags change through m2m_changed).
_COUNTED_FIELDS = {"status", "community", "community_id"}


def _ids(values: Iterable[int | None] | None) -> set[int]:
    return {value for value in values or () if value is not None}


def recount(*, community_ids: Iterable[int | None] = (), tag_ids: Iterable[int] = ()) -> None:
    """Recount the given communities and tags: one UPDATE each, whose correlated subquery is a
    GROUP BY filtered to those ids (story_community_idx, the through table's tag index)."""
    community_ids, tag_ids = _ids(community_ids), _ids(tag_ids)
    if community_ids:
        per_community = (
            Story.objects.filter(community=OuterRef("pk"), status=PUBLISHED)
            .order_by()
            .values("community")
            .annotate(n=Count("pk"))
            .values("n")
        )
        Community.objects.filter(pk__in=community_ids).update(
            story_count=Coalesce(Subquery(per_community), Value(0))
        )
    if tag_ids:
        through = Story.tags.through
        per_tag = (
            through.objects.filter(tag=OuterRef("pk"), story__status=PUBLISHED)
            .order_by()
            .values("tag")
            .annotate(n=Count("pk"))
            .values("n")
        )
        Tag.objects.filter(pk__in=tag_ids).update(story_count=Coalesce(Subquery(per_tag), Value(0)))


def recount_all() -> tuple[int, int]:
    """Every community and tag, set-based: one GROUP BY over the stories (and one over the
    story-tag rows) joined into an UPDATE. For `byline reindex` after bulk loads."""
    qn = connection.ops.quote_name
    story, through = Story._meta.db_table, Story.tags.through._meta.db_table
    community, tag = Community._meta.db_table, Tag._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in counts_sql(qn, story=story, through=through, community=community, tag=tag):
            cursor.execute(sql, [PUBLISHED] if "%s" in sql else None)
    return Community.objects.count(), Tag.objects.count()


def counts_sql(qn, *, story: str, through: str, community: str, tag: str) -> list[str]:
    """Reset, then UPDATE … FROM (SELECT … GROUP BY) for both tables (PostgreSQL, SQLite ≥ 3.33;
    stories.0006_fill_story_counts does the same with its own copy)."""
    s, t, c, g = qn(story), qn(through), qn(community), qn(tag)
    return [
        f"UPDATE {c} SET story_count = 0 WHERE story_count <> 0",  # noqa: S608 - model tables
        f"UPDATE {c} SET story_count = counted.n FROM ("  # noqa: S608
        f"SELECT community_id, COUNT(*) AS n FROM {s} WHERE status = %s "
        f"AND community_id IS NOT NULL GROUP BY community_id) AS counted "
        f"WHERE {c}.id = counted.community_id",
        f"UPDATE {g} SET story_count = 0 WHERE story_count <> 0",  # noqa: S608
        f"UPDATE {g} SET story_count = counted.n FROM ("  # noqa: S608
        f"SELECT {t}.tag_id, COUNT(*) AS n FROM {t} JOIN {s} ON {s}.id = {t}.story_id "
        f"WHERE {s}.status = %s GROUP BY {t}.tag_id) AS counted "
        f"WHERE {g}.id = counted.tag_id",
    ]


def _recount_on_commit(*, community_ids=(), tag_ids=()) -> None:
    community_ids, tag_ids = _ids(community_ids), _ids(tag_ids)
    if community_ids or tag_ids:
        transaction.on_commit(lambda: recount(community_ids=community_ids, tag_ids=tag_ids))


# --- Receivers -------------------------------------------------------------------------------


def story_loaded(sender, instance: Story, **kwargs) -> None:
    """Note the status a story was read with (no query: a deferred status stays unknown)."""
    instance._counts_loaded_status = instance.__dict__.get("status")


def story_saving(sender, instance: Story, raw=False, update_fields=None, **kwargs) -> None:
    """Remember what the row counted for before the save (one query by primary key), unless the
    save cannot change it: counters and scores name other update_fields, and the edits and
    autosaves of a story read as a draft, saving neither status nor a published row, count
    nowhere before or after."""
    instance._counts_before = None
    if raw or instance.pk is None:
        return
    if update_fields is not None:
        fields = set(update_fields)
        if not (fields & _COUNTED_FIELDS):
            return
        loaded = getattr(instance, "_counts_loaded_status", None)
        if "status" not in fields and PUBLISHED not in {loaded, instance.status} and loaded:
            return
    instance._counts_before = (
        Story.objects.filter(pk=instance.pk).values_list("status", "community_id").first()
    )


def story_saved(
    sender, instance: Story, created: bool, raw=False, update_fields=None, **kwargs
) -> None:
    if raw:
        return
    if update_fields is None or "status" in update_fields:
        instance._counts_loaded_status = instance.status  # what the row holds now
    published = instance.status == PUBLISHED
    if created:
        # Tags are added after the row exists (m2m_changed recounts them).
        if published:
            _recount_on_commit(community_ids=[instance.community_id])
        return
    before = getattr(instance, "_counts_before", None)
    instance._counts_before = None
    if before is None:
        return
    old_status, old_community = before
    was_published = old_status == PUBLISHED
    if (was_published, old_community) == (published, instance.community_id):
        return
    if not (was_published or published):
        return  # a draft moved between communities counts nowhere
    tag_ids = []
    if was_published != published:
        tag_ids = Story.tags.through.objects.filter(story=instance).values_list("tag_id", flat=True)
    _recount_on_commit(community_ids=[old_community, instance.community_id], tag_ids=tag_ids)


def story_tags_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if not reverse:  # story.tags.add/remove/clear/set
        if action == "pre_clear":
            instance._counts_cleared_tags = list(
                sender.objects.filter(story=instance).values_list("tag_id", flat=True)
            )
        elif action in {"post_add", "post_remove"} and instance.status == PUBLISHED:
            _recount_on_commit(tag_ids=pk_set)
        elif action == "post_clear" and instance.status == PUBLISHED:
            _recount_on_commit(tag_ids=getattr(instance, "_counts_cleared_tags", []))
    elif action in {"post_add", "post_remove", "post_clear"}:  # tag.stories.add/remove/clear
        _recount_on_commit(tag_ids=[instance.pk])


def story_deleting(sender, instance: Story, **kwargs) -> None:
    """The story-tag rows go with the story: note its tags while they are still there."""
    instance._counts_deleted = None
    if instance.status == PUBLISHED:
        tag_ids = Story.tags.through.objects.filter(story_id=instance.pk).values_list(
            "tag_id", flat=True
        )
        instance._counts_deleted = (instance.community_id, list(tag_ids))


def story_deleted(sender, instance: Story, **kwargs) -> None:
    deleted = getattr(instance, "_counts_deleted", None)
    if deleted is not None:
        community_id, tag_ids = deleted
        _recount_on_commit(community_ids=[community_id], tag_ids=tag_ids)


def connect() -> None:
    uid = "byline.counts"
    post_init.connect(story_loaded, sender=Story, dispatch_uid=f"{uid}.story.post_init")
    pre_save.connect(story_saving, sender=Story, dispatch_uid=f"{uid}.story.pre_save")
    post_save.connect(story_saved, sender=Story, dispatch_uid=f"{uid}.story.post_save")
    m2m_changed.connect(story_tags_changed, sender=Story.tags.through, dispatch_uid=f"{uid}.tags")
    pre_delete.connect(story_deleting, sender=Story, dispatch_uid=f"{uid}.story.pre_delete")
    post_delete.connect(story_deleted, sender=Story, dispatch_uid=f"{uid}.story.post_delete")
