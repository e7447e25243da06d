"""Search over published stories, through the discovery work's ranked full-text back-end
(byline.search.backends: FTS5 on SQLite, tsvector on PostgreSQL), the one the search page uses."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router

from byline.accounts.models import User
from byline.api.endpoints.common import HANDLE_PATTERN, SLUG_PATTERN, CursorQuery
from byline.api.errors import with_errors
from byline.api.schemas import PageOut, SearchHitOut
from byline.communities.models import Community
from byline.search.backends import QUERY_MAX_LENGTH, SearchFilters, get_backend
from byline.stories.models import Tag

router = Router(tags=["search"])


def _filter_id(queryset) -> int | None:
    return queryset.values_list("pk", flat=True).first()


@router.get(
    "/search",
    response=with_errors({200: PageOut[SearchHitOut]}),
    summary="Published stories matching `q`, best first, with highlighted title and snippet",
    description=(
        'Every word must match (title, subtitle, tags or body; stemmed). `"a phrase"`, '
        "`-word` and `or` work as on the search page. A filter naming nothing matches nothing."
    ),
)
def search(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=QUERY_MAX_LENGTH, description="What to find."),
    community: str | None = Query(None, pattern=SLUG_PATTERN, description="Community slug."),
    tag: str | None = Query(None, pattern=SLUG_PATTERN, description="Tag slug."),
    author: str | None = Query(None, pattern=HANDLE_PATTERN, description="Handle."),
    cursor: str | None = CursorQuery,
):
    empty = {"items": [], "next_cursor": None}
    filters = {}
    for key, value, queryset in (
        ("community_id", community, Community.objects.filter(slug=community)),
        ("tag_id", tag, Tag.objects.public().filter(slug=tag)),
        ("author_id", author, User.objects.filter(username__iexact=author, is_active=True)),
    ):
        if value:
            filters[key] = _filter_id(queryset)
            if filters[key] is None:
                return empty
    page = get_backend().search(
        q, filters=SearchFilters(**filters), cursor=cursor, size=settings.PAGE_SIZE
    )
    items = []
    for hit in page.hits:
        story = hit.story
        story.score = hit.score
        story.title_html = str(hit.title_html)
        story.subtitle_html = str(hit.subtitle_html)
        story.snippet_html = str(hit.snippet_html)
        items.append(story)
    return {"items": items, "next_cursor": page.next_cursor}
