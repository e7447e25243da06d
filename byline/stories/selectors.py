from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce
from django.http import Http404

from byline.accounts.models import HandleRedirect, User
from byline.core.pagination import KeysetPage, decode_cursor, encode_cursor, keyset_page
from byline.stories.models import Story, StorySlugRedirect, Tag
from byline.stories.policies import SUSPENDED_MESSAGE, can_view_story, can_write, is_author


def story_get_for_reader(*, handle: str, slug: str, viewer: User | None) -> Story:
    """The story at /@handle/slug as `viewer` may see it.

    Raises Http404 when it does not exist *or* the viewer may not see it, so that drafts do not
    even reveal that they exist. Raises StorySlugRedirect.DoesNotExist never: a renamed story is
    returned with `story.moved = True` so the view can redirect to the current address.
    """
    # The page shows body_html; the plain text (for search and summaries) stays in the row.
    queryset = (
        Story.objects.select_related("author", "community")
        .prefetch_related(Prefetch("tags"))
        .defer("body_text")
    )
    story = queryset.filter(author__username__iexact=handle, slug=slug).first()
    moved = False
    if story is None:
        redirect = (
            StorySlugRedirect.objects.filter(author__username__iexact=handle, old_slug=slug)
            .select_related("story")
            .first()
        )
        if redirect is None:
            # An old handle (the author renamed themselves): look under the current one.
            owner = HandleRedirect.objects.filter(old_handle=handle.lower()).first()
            if owner is None:
                raise Http404("No such story.")
            story = (
                queryset.filter(author_id=owner.user_id, slug=slug).first()
                or queryset.filter(author_id=owner.user_id, slug_redirects__old_slug=slug).first()
            )
            if story is None:
                raise Http404("No such story.")
        else:
            story = queryset.get(pk=redirect.story_id)
        moved = True
    if not can_view_story(viewer, story):
        raise Http404("No such story.")
    story.moved = moved or story.author.username != handle
    return story


def story_get_for_editor(*, user: User, pk: int) -> Story:
    """The story `user` may edit. Http404 for anyone but its author (whatever its status, so a
    draft's existence is never revealed); PermissionDenied for a suspended author."""
    story = (
        Story.objects.select_related("author", "community")
        .prefetch_related("tags")
        .filter(pk=pk)
        .first()
    )
    if story is None or not is_author(user, story):
        raise Http404("No such story.")
    if not can_write(user):
        raise PermissionDenied(SUSPENDED_MESSAGE)
    return story


def story_get_for_author(*, user: User, pk: int) -> Story:
    """Like story_get_for_editor, for read-only author pages (revisions): no suspension check."""
    story = Story.objects.select_related("author").filter(pk=pk).first()
    if story is None or not is_author(user, story):
        raise Http404("No such story.")
    return story


MY_STORIES_TABS = [
    (Story.Status.DRAFT, "Drafts"),
    (Story.Status.SUBMITTED, "In review"),
    (Story.Status.PUBLISHED, "Published"),
    (Story.Status.REJECTED, "Rejected"),
]


def my_stories_counts(*, author: User) -> dict[str, int]:
    """Number of the author's stories per status, in one query."""
    counts = {status: 0 for status, _ in MY_STORIES_TABS}
    for row in Story.objects.filter(author=author).values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def my_stories_page(*, author: User, status: str, cursor: str | None, size: int) -> KeysetPage:
    """One page of the author's stories with `status`, most recently changed first."""
    return keyset_page(
        Story.objects.filter(author=author, status=status).select_related("author", "community"),
        cursor=cursor,
        size=size,
        field="updated_at",
    )


def tag_suggestions(
    *, prefix: str, viewer: User, exclude: list[str] = (), limit: int = 8
) -> list[Tag]:
    """Tags starting with `prefix` that `viewer` may know of, most used first: public ones (a
    published story carries them) and those on the viewer's own stories, whatever their status.
    Another writer's draft tag is never suggested: its name is theirs until they publish."""
    prefix = " ".join(prefix.split())[:40]
    if not prefix:
        return []
    own = Story.tags.through.objects.filter(tag=OuterRef("pk"), story__author=viewer)
    return list(
        Tag.objects.filter(Q(story_count__gt=0) | Exists(own), name__istartswith=prefix)
        .exclude(name__in=exclude)
        .order_by("-story_count", "name")[:limit]
    )


def popular_tags(*, limit: int = 12) -> list[Tag]:
    """Tags with the most published stories: `Tag.story_count` (byline.discovery.counts), read
    in the order of tag_popular_idx."""
    return list(Tag.objects.public().order_by("-story_count", "name")[:limit])


def review_queue_page(*, cursor: str | None, size: int) -> KeysetPage:
    """Submitted stories, the longest waiting first (keyset on submitted_at ascending)."""
    queryset = (
        Story.objects.filter(status=Story.Status.SUBMITTED)
        .select_related("author", "community")
        .annotate(waiting_since=Coalesce("submitted_at", "created_at"))
    )
    position = decode_cursor(cursor)
    if position is not None:
        moment, pk = position
        queryset = queryset.filter(Q(waiting_since__gt=moment) | Q(waiting_since=moment, pk__gt=pk))
    rows = list(queryset.order_by("waiting_since", "pk")[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = encode_cursor(rows[-1].waiting_since, rows[-1].pk)
    return KeysetPage(items=rows, next_cursor=next_cursor)


def revision_changes(*, old: str, new: str, limit: int = 400) -> list[tuple[str, str]]:
    """Line changes from `old` to `new` as (kind, line) pairs, kind in "add", "remove", "same"
    (unchanged lines only around changes). At most `limit` lines, for the revision page."""
    import difflib

    changes: list[tuple[str, str]] = []
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1)
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            changes.append(("gap", "…"))
        elif line.startswith("+"):
            changes.append(("add", line[1:]))
        elif line.startswith("-"):
            changes.append(("remove", line[1:]))
        else:
            changes.append(("same", line[1:]))
        if len(changes) >= limit:
            changes.append(("gap", "… (more changes not shown)"))
            break
    return changes
