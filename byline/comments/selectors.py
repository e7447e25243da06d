"""Reads for comments: one story's thread, a page of top-level comments at a time."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import Coalesce, RowNumber

from byline.comments.models import Comment
from byline.core.pagination import decode_cursor, encode_cursor
from byline.stories.models import Story

SORTS = ("oldest", "newest")


@dataclass
class CommentThread:
    comments: list[Comment] = field(default_factory=list)
    sort: str = "oldest"
    next_cursor: str | None = None
    thread: int | None = None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    def __bool__(self) -> bool:
        return bool(self.comments)

    def __iter__(self):
        return iter(self.comments)


def _visible(comment: Comment) -> bool:
    return not comment.is_hidden and not comment.is_deleted


def comment_thread(
    *,
    story: Story,
    sort: str = "oldest",
    cursor: str | None = None,
    size: int | None = None,
    thread: int | str | None = None,
) -> CommentThread:
    """A page of top-level comments (keyset-paginated in `sort` order) with their replies, in two
    queries whatever the number of comments. Replies read oldest first, as a conversation does.

    Each comment gets `.children` (its visible replies). A hidden or deleted comment is kept only
    while replies hang under it, so the conversation still makes sense; otherwise it is dropped.
    Under each top-level comment the first COMMENT_REPLIES_SHOWN replies are shown and
    `.reply_total` says how many there are; `thread=<pk>` shows that one comment with all of them.
    """
    sort = sort if sort in SORTS else "oldest"
    size = size or settings.COMMENTS_PAGE_SIZE
    has_replies = Exists(Comment.objects.filter(parent=OuterRef("pk")))
    top = (
        Comment.objects.filter(story=story, parent__isnull=True)
        .annotate(has_replies=has_replies)
        .filter(Q(is_hidden=False, is_deleted=False) | Q(has_replies=True))
        .select_related("author")
    )
    try:
        thread = int(thread) if thread else None
    except (TypeError, ValueError):
        thread = None
    if thread:
        top = top.filter(pk=thread)
        cursor = None
    position = decode_cursor(cursor)
    if position is not None:
        moment, pk = position
        if sort == "newest":
            top = top.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
        else:
            top = top.filter(Q(created_at__gt=moment) | Q(created_at=moment, pk__gt=pk))
    order = ["-created_at", "-pk"] if sort == "newest" else ["created_at", "pk"]
    rows = list(top.order_by(*order)[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = encode_cursor(rows[-1].created_at, rows[-1].pk)
    ids = [row.pk for row in rows]
    by_id: dict[int, Comment] = {row.pk: row for row in rows}
    for row in rows:
        row.children = []
        row.reply_total = 0
        row.replies_fetched = 0
    if ids:
        root = Coalesce(F("parent__parent_id"), F("parent_id"))
        replies = (
            # story= keeps the OR across the parent join on the story's own comments (its index);
            # without it the database walks every comment on the site.
            Comment.objects.filter(story=story)
            .filter(Q(parent_id__in=ids) | Q(parent__parent_id__in=ids))
            .annotate(
                root_id=root,
                position=Window(RowNumber(), partition_by=[root], order_by=["created_at", "pk"]),
                root_total=Window(Count("pk"), partition_by=[root]),
            )
            .select_related("author")
            .order_by("created_at", "pk")
        )
        if not thread:
            replies = replies.filter(position__lte=settings.COMMENT_REPLIES_SHOWN)
        replies = list(replies)
        for reply in replies:
            top_comment = by_id[reply.root_id]
            top_comment.reply_total = reply.root_total
            top_comment.replies_fetched += 1
        for reply in replies:
            reply.children = []
            by_id[reply.pk] = reply
        for reply in replies:
            parent = by_id.get(reply.parent_id)
            if parent is not None:
                parent.children.append(reply)

    def prune(nodes: list[Comment]) -> list[Comment]:
        kept = []
        for node in nodes:
            node.children = prune(node.children)
            if _visible(node) or node.children:
                kept.append(node)
        return kept

    return CommentThread(comments=prune(rows), sort=sort, next_cursor=next_cursor, thread=thread)


def comment_get_for_story(*, story: Story, pk: int | str | None) -> Comment | None:
    """A comment of `story` (for replies), or None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return Comment.objects.filter(story=story, pk=pk).select_related("parent").first()
