"""Read-only resources: me, creators, communities, tags."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Path, Query, Router

from byline.accounts.models import User
from byline.api.auth import require_user, signed_in
from byline.api.endpoints.common import HANDLE_PATTERN, SLUG_PATTERN, CursorQuery
from byline.api.errors import not_found, with_errors
from byline.api.schemas import CommunityOut, CreatorOut, MeOut, PageOut, StorySummaryOut, TagOut
from byline.communities.models import Community
from byline.core.pagination import keyset_page
from byline.stories.models import Story, Tag
from byline.stories.policies import is_moderator

router = Router(tags=["creators and places"])

MAX_LIST = 100


@router.get(
    "/me", response=with_errors({200: MeOut}), summary="The caller's own account", auth=signed_in
)
def me(request: HttpRequest):
    user = require_user(request)
    user.is_moderator = is_moderator(user)
    user.token_scope = request.auth.token.scope if request.auth.token else None
    return user


@router.get(
    "/me/stories",
    response=with_errors({200: PageOut[StorySummaryOut]}),
    summary="The caller's stories in every state (drafts too), newest first",
    auth=signed_in,
)
def my_stories(request: HttpRequest, cursor: str | None = CursorQuery):
    user = require_user(request)
    page = keyset_page(
        Story.objects.filter(author=user).for_cards(),
        cursor=cursor,
        size=settings.PAGE_SIZE,
        field="created_at",
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


def _creator(handle: str) -> User:
    creator = User.objects.filter(username__iexact=handle, is_active=True).first()
    if creator is None:
        raise not_found("No such creator.")
    return creator


@router.get("/creators/{handle}", response=with_errors({200: CreatorOut}))
def creator_detail(request: HttpRequest, handle: str = Path(..., pattern=HANDLE_PATTERN)):
    return _creator(handle)


@router.get(
    "/creators/{handle}/stories",
    response=with_errors({200: PageOut[StorySummaryOut]}),
    summary="A creator's published stories, newest first",
)
def creator_stories(
    request: HttpRequest,
    handle: str = Path(..., pattern=HANDLE_PATTERN),
    cursor: str | None = CursorQuery,
):
    creator = _creator(handle)
    page = keyset_page(
        Story.objects.published().filter(author=creator).for_cards(),
        cursor=cursor,
        size=settings.PAGE_SIZE,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get(
    "/communities",
    response=with_errors({200: PageOut[CommunityOut]}),
    summary="Communities, newest first",
)
def community_list(request: HttpRequest, cursor: str | None = CursorQuery):
    page = keyset_page(Community.objects.all(), cursor=cursor, size=MAX_LIST, field="created_at")
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/communities/{slug}", response=with_errors({200: CommunityOut}))
def community_detail(request: HttpRequest, slug: str = Path(..., pattern=SLUG_PATTERN)):
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise not_found("No such community.")
    return community


@router.get(
    "/tags",
    response=with_errors({200: PageOut[TagOut]}),
    summary="Tags in alphabetical order of their slug",
)
def tag_list(
    request: HttpRequest,
    cursor: str | None = Query(None, max_length=60, description="`next_cursor` of the last page."),
):
    # Tags have no date: the keyset is the (unique) slug itself.
    tags = Tag.objects.public().order_by("slug")
    if cursor:
        tags = tags.filter(slug__gt=cursor)
    rows = list(tags[: MAX_LIST + 1])
    next_cursor = rows[MAX_LIST - 1].slug if len(rows) > MAX_LIST else None
    return {"items": rows[:MAX_LIST], "next_cursor": next_cursor}


@router.get("/tags/{slug}", response=with_errors({200: TagOut}))
def tag_detail(request: HttpRequest, slug: str = Path(..., pattern=SLUG_PATTERN)):
    tag = Tag.objects.public().filter(slug=slug).first()
    if tag is None:
        raise not_found("No such tag.")
    return tag
