"""Lookups shared by the endpoint modules: each answers 404 when the caller may not see it."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query

from byline.api.auth import viewer
from byline.api.errors import not_found
from byline.stories.models import Story
from byline.stories.policies import can_view_story

MAX_ID = 2**63 - 1
HANDLE_PATTERN = r"^[A-Za-z0-9_]{1,30}$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,160}$"

IdPath = Path(..., ge=1, le=MAX_ID)
CursorQuery = Query(None, max_length=100, description="`next_cursor` of the previous page.")


def story_for_viewer(request: HttpRequest, story_id: int) -> Story:
    story = (
        Story.objects.select_related("author", "community")
        .prefetch_related("tags")
        .filter(pk=story_id)
        .first()
    )
    if story is None or not can_view_story(viewer(request), story):
        raise not_found("No such story.")
    return story
