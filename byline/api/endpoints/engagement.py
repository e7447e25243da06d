"""Reader insights and notifications."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Path, Router

from byline.api.auth import (
    require_user,
    require_write_scope,
    require_writer,
    signed_in,
    viewer,
    write_scope,
    writer,
)
from byline.api.endpoints.common import CursorQuery, IdPath, story_for_viewer
from byline.api.errors import invalid, not_found, with_errors
from byline.api.schemas import (
    CountOut,
    InsightIn,
    InsightsOut,
    NotificationOut,
    PageOut,
    RatingIn,
)
from byline.core.pagination import keyset_page
from byline.insights.labels import INSIGHT_BY_KEY
from byline.insights.selectors import insights_summary
from byline.insights.services import insight_add, insight_remove, rating_remove, rating_set
from byline.social.models import Notification
from byline.social.services import notification_mark_all_read, notification_mark_read

router = Router(tags=["insights and notifications"])


def _label_count(pair) -> dict:
    label, count = pair
    return {
        "key": label.key,
        "label": label.label,
        "description": label.description,
        "count": count,
    }


def _summary(request: HttpRequest, story) -> dict:
    summary = insights_summary(story=story, viewer=viewer(request))
    return {
        "top_rating": summary.top_rating.key if summary.top_rating else None,
        "ratings": [_label_count(pair) for pair in summary.rating_counts],
        "insights": [_label_count(pair) for pair in summary.top_insights],
        "your_rating": summary.viewer_rating,
        "your_insights": sorted(summary.viewer_insights),
    }


@router.get(
    "/stories/{story_id}/insights",
    response=with_errors({200: InsightsOut}),
    summary="Reader insight counts (and the caller's own, when signed in)",
)
def insights_detail(request: HttpRequest, story_id: int = IdPath):
    return _summary(request, story_for_viewer(request, story_id))


def _story_to_react_on(request: HttpRequest, story_id: int):
    # The insight services check who may react (403) and the value (422) themselves.
    return require_writer(request), story_for_viewer(request, story_id)


@router.put("/stories/{story_id}/rating", response=with_errors({200: InsightsOut}), auth=writer)
def rating_give(request: HttpRequest, payload: RatingIn, story_id: int = IdPath):
    user, story = _story_to_react_on(request, story_id)
    rating_set(story=story, reader=user, value=payload.value)
    return _summary(request, story)


@router.delete("/stories/{story_id}/rating", response=with_errors({200: InsightsOut}), auth=writer)
def rating_take_back(request: HttpRequest, story_id: int = IdPath):
    user, story = _story_to_react_on(request, story_id)
    rating_remove(story=story, reader=user)
    return _summary(request, story)


@router.post("/stories/{story_id}/insights", response=with_errors({200: InsightsOut}), auth=writer)
def insight_give(request: HttpRequest, payload: InsightIn, story_id: int = IdPath):
    user, story = _story_to_react_on(request, story_id)
    insight_add(story=story, reader=user, kind=payload.kind)
    return _summary(request, story)


@router.delete(
    "/stories/{story_id}/insights/{kind}",
    response=with_errors({200: InsightsOut}),
    auth=writer,
)
def insight_take_back(
    request: HttpRequest, story_id: int = IdPath, kind: str = Path(..., max_length=20)
):
    user, story = _story_to_react_on(request, story_id)
    if kind not in INSIGHT_BY_KEY:  # insight_remove would quietly remove nothing
        raise invalid(f"Choose one of {', '.join(INSIGHT_BY_KEY)}.", "kind")
    insight_remove(story=story, reader=user, kind=kind)
    return _summary(request, story)


@router.get(
    "/notifications",
    response=with_errors({200: PageOut[NotificationOut]}),
    summary="The caller's notifications, newest first",
    auth=signed_in,
)
def notification_list(request: HttpRequest, cursor: str | None = CursorQuery):
    user = require_user(request)
    page = keyset_page(
        Notification.objects.filter(recipient=user).select_related("actor"),
        cursor=cursor,
        size=settings.PAGE_SIZE,
        field="created_at",
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post(
    "/notifications/{notification_id}/read",
    response=with_errors({200: CountOut}),
    auth=write_scope,
)
def notification_read(request: HttpRequest, notification_id: int = IdPath):
    user = require_write_scope(request)
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise not_found("No such notification.")
    was_unread = notification.read_at is None
    notification_mark_read(notification=notification, user=user)
    return {"count": int(was_unread)}


@router.post(
    "/notifications/read",
    response=with_errors({200: CountOut}),
    summary="Mark all read",
    auth=write_scope,
)
def notification_read_all(request: HttpRequest):
    user = require_write_scope(request)
    return {"count": notification_mark_all_read(user=user)}
