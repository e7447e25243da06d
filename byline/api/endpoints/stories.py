"""Stories: list, get and the whole life cycle, over byline.stories services and policies."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Status

from byline.api.auth import require_writer, writer
from byline.api.endpoints.common import SLUG_PATTERN, CursorQuery, IdPath, story_for_viewer
from byline.api.errors import conflict, invalid, with_errors
from byline.api.schemas import PageOut, ReasonIn, StoryIn, StoryOut, StoryPatch, StorySummaryOut
from byline.comments.services import story_set_comments_enabled
from byline.communities.models import Community
from byline.core.pagination import keyset_page
from byline.stories import policies
from byline.stories.lifecycle import (
    story_approve,
    story_delete,
    story_reject,
    story_submit,
    story_unpublish,
)
from byline.stories.models import Story, Tag
from byline.stories.services import story_change_slug, story_create, story_update, tags_from_names

router = Router(tags=["stories"])


def _community(slug: str | None) -> Community | None:
    if slug is None:
        return None
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise invalid("No community with this slug.", "community")
    return community


def _tags(names: list[str]):
    try:
        return tags_from_names(names)
    except ValueError as error:
        raise invalid(str(error), "tags") from None


def _if_match(request: HttpRequest) -> int | None:
    """The version in an `If-Match` header ("7", W/"7" or 7); None when absent."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        return None
    value = raw.removeprefix("W/").strip('"')
    if not value.isdigit() or not 1 <= int(value) <= 2**31:
        raise invalid("If-Match must be a story version from a previous answer.", "If-Match")
    return int(value)


def _fresh(story: Story) -> Story:
    return (
        Story.objects.select_related("author", "community")
        .prefetch_related("tags")
        .get(pk=story.pk)
    )


@router.get(
    "",
    response=with_errors({200: PageOut[StorySummaryOut]}),
    summary="Published stories, newest first, optionally filtered",
)
def story_list(
    request: HttpRequest,
    community: str | None = Query(None, pattern=SLUG_PATTERN, description="Community slug."),
    tag: str | None = Query(None, pattern=SLUG_PATTERN, description="Tag slug."),
    author: str | None = Query(None, pattern=r"^[A-Za-z0-9_]{1,30}$", description="Handle."),
    cursor: str | None = CursorQuery,
):
    stories = Story.objects.published().for_cards()
    if community:
        stories = stories.filter(community__slug=community)
    if tag:
        found = Tag.objects.public().filter(slug=tag).first()
        stories = stories.tagged(found) if found else stories.none()
    if author:
        stories = stories.filter(author__username__iexact=author, author__is_active=True)
    page = keyset_page(stories, cursor=cursor, size=settings.PAGE_SIZE, ids_first=bool(tag))
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/{story_id}", response=with_errors({200: StoryOut}), summary="One story")
def story_detail(request: HttpRequest, story_id: int = IdPath):
    return story_for_viewer(request, story_id)


@router.post("", response=with_errors({201: StoryOut}), summary="Create a draft", auth=writer)
def story_create_draft(request: HttpRequest, payload: StoryIn):
    with transaction.atomic():  # bad input anywhere changes nothing
        return _create_draft(require_writer(request), payload)


def _create_draft(user, payload: StoryIn):
    story = story_create(
        author=user,
        title=payload.title,
        subtitle=payload.subtitle,
        body=payload.body,
        community=_community(payload.community),
        tags=_tags(payload.tags),
        hero_image_caption=payload.hero_image_caption,
        hero_image_credit=payload.hero_image_credit,
    )
    if not payload.comments_enabled:
        story_set_comments_enabled(story=story, by=user, enabled=False)
    return Status(201, _fresh(story))


@router.patch(
    "/{story_id}", response=with_errors({200: StoryOut}), summary="Edit a story", auth=writer
)
def story_edit(request: HttpRequest, payload: StoryPatch, story_id: int = IdPath):
    with transaction.atomic():  # bad input anywhere changes nothing
        return _edit(request, require_writer(request), payload, story_id)


def _edit(request: HttpRequest, user, payload: StoryPatch, story_id: int):
    story = story_for_viewer(request, story_id)
    if not policies.can_edit_story(user, story):
        # Checked here too (story_update checks it itself) because the address changes first.
        raise PermissionDenied("Only the author can edit this story.")
    sent = payload.model_fields_set
    expected_version = payload.version or _if_match(request)
    if payload.slug is not None and payload.slug != story.slug:
        if Story.objects.filter(author=story.author, slug=payload.slug).exists():
            raise conflict("You already have a story at this address.")
        story_change_slug(story=story, slug=payload.slug)
    changes = {
        name: getattr(payload, name)
        for name in (
            "title",
            "subtitle",
            "body",
            "hero_image_caption",
            "hero_image_credit",
        )
        if name in sent and getattr(payload, name) is not None
    }
    if "community" in sent:
        changes["community"] = _community(payload.community)
    if "tags" in sent and payload.tags is not None:
        changes["tags"] = _tags(payload.tags)
    if changes or expected_version is not None:
        story_update(story=story, by=user, expected_version=expected_version, **changes)
    if payload.comments_enabled is not None and payload.comments_enabled != story.comments_enabled:
        story_set_comments_enabled(story=story, by=user, enabled=payload.comments_enabled)
    return _fresh(story)


# State changes: the services check who may act (403) and the story's state in the database
# itself, so a request that lost to a simultaneous one, or came after it, gets 409 "conflict"
# (byline.core.transitions.Conflict, mapped in byline.api.errors).


@router.post(
    "/{story_id}/submit",
    response=with_errors({200: StoryOut}),
    summary="Submit a draft for review (published at once when the site has no review)",
    auth=writer,
)
def story_submit_for_review(request: HttpRequest, story_id: int = IdPath):
    user = require_writer(request)
    story = story_for_viewer(request, story_id)
    story_submit(story=story, by=user)  # not the author: 403; an empty story: 422
    return _fresh(story)


@router.post(
    "/{story_id}/publish",
    response=with_errors({200: StoryOut}),
    summary="Publish: a moderator approves a submitted story; authors publish where no review",
    auth=writer,
)
def story_publish_now(request: HttpRequest, story_id: int = IdPath):
    user = require_writer(request)
    story = story_for_viewer(request, story_id)
    if not settings.REVIEW and policies.can_edit_story(user, story):
        story_submit(story=story, by=user)  # with review off, this publishes
    else:
        story_approve(story=story, by=user)  # authors and readers: 403 from the service
    return _fresh(story)


@router.post(
    "/{story_id}/reject",
    response=with_errors({200: StoryOut}),
    summary="A moderator sends a submitted story back to its author with a reason",
    auth=writer,
)
def story_send_back(request: HttpRequest, story_id: int = IdPath, payload: ReasonIn | None = None):
    user = require_writer(request)
    story = story_for_viewer(request, story_id)
    story_reject(story=story, by=user, reason=payload.reason if payload else "")  # none: 422
    return _fresh(story)


@router.post(
    "/{story_id}/unpublish",
    response=with_errors({200: StoryOut}),
    summary="Take a published story back to draft (author or moderator)",
    auth=writer,
)
def story_take_down(request: HttpRequest, story_id: int = IdPath, payload: ReasonIn | None = None):
    user = require_writer(request)
    story = story_for_viewer(request, story_id)
    story_unpublish(story=story, by=user, reason=payload.reason if payload else "")
    return _fresh(story)


@router.delete(
    "/{story_id}", response=with_errors({204: None}), summary="Delete a story", auth=writer
)
def story_remove(request: HttpRequest, story_id: int = IdPath):
    user = require_writer(request)
    story_delete(story=story_for_viewer(request, story_id), by=user)  # not the author: 403
    return Status(204, None)
