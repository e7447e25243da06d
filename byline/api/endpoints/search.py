"""Search over published stories.

Until the search back-ends (byline.search, per-database full text with ranking) land, this
matches every word of the query in the title, subtitle or body, newest first; the endpoint's
contract (q, cursor, the story summary page) stays when it switches to the ranked back-end.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router

from byline.api.endpoints.common import CursorQuery
from byline.api.errors import with_errors
from byline.api.schemas import PageOut, StorySummaryOut
from byline.core.pagination import keyset_page
from byline.stories.models import Story

router = Router(tags=["search"])

MAX_WORDS = 8


@router.get(
    "/search",
    response=with_errors({200: PageOut[StorySummaryOut]}),
    summary="Published stories containing every word of `q`",
)
def search(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=200, description="Words to look for."),
    cursor: str | None = CursorQuery,
):
    stories = Story.objects.published().for_cards()
    words = q.split()[:MAX_WORDS]
    if not words:
        return {"items": [], "next_cursor": None}
    for word in words:
        stories = stories.filter(
            Q(title__icontains=word) | Q(subtitle__icontains=word) | Q(body__icontains=word)
        )
    page = keyset_page(stories, cursor=cursor, size=settings.PAGE_SIZE)
    return {"items": page.items, "next_cursor": page.next_cursor}
