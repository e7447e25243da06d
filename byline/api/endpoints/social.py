"""Likes and follows, over byline.social services (which check byline.social.policies: a
refusal is their PermissionDenied, answered 403)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Router, Schema

from byline.accounts.models import User
from byline.api.auth import require_writer, writer
from byline.api.endpoints.catalogue import _creator
from byline.api.endpoints.common import HANDLE_PATTERN, SLUG_PATTERN, IdPath, story_for_viewer
from byline.api.errors import not_found, with_errors
from byline.communities.models import Community
from byline.social.models import Follow, Like
from byline.social.services import (
    follow_community,
    follow_creator,
    like_add,
    like_remove,
    unfollow_community,
    unfollow_creator,
)
from byline.stories.models import Story

router = Router(tags=["likes and follows"])


class LikeOut(Schema):
    liked: bool
    like_count: int


class FollowOut(Schema):
    following: bool


def _like_state(story: Story, user: User) -> dict:
    return {
        "liked": Like.objects.filter(story=story, user=user).exists(),
        "like_count": Story.objects.values_list("like_count", flat=True).get(pk=story.pk),
    }


def _likeable(request: HttpRequest, story_id: int) -> tuple[User, Story]:
    return require_writer(request), story_for_viewer(request, story_id)


@router.post("/stories/{story_id}/like", response=with_errors({200: LikeOut}), auth=writer)
def story_like(request: HttpRequest, story_id: int = IdPath):
    user, story = _likeable(request, story_id)
    like_add(story=story, user=user)
    return _like_state(story, user)


@router.delete("/stories/{story_id}/like", response=with_errors({200: LikeOut}), auth=writer)
def story_unlike(request: HttpRequest, story_id: int = IdPath):
    user, story = _likeable(request, story_id)
    like_remove(story=story, user=user)
    return _like_state(story, user)


def _followable_creator(request: HttpRequest, handle: str) -> tuple[User, User]:
    return require_writer(request), _creator(handle)


@router.post("/creators/{handle}/follow", response=with_errors({200: FollowOut}), auth=writer)
def creator_follow(request: HttpRequest, handle: str = Path(..., pattern=HANDLE_PATTERN)):
    user, creator = _followable_creator(request, handle)
    follow_creator(follower=user, creator=creator)
    return {"following": True}


@router.delete("/creators/{handle}/follow", response=with_errors({200: FollowOut}), auth=writer)
def creator_unfollow(request: HttpRequest, handle: str = Path(..., pattern=HANDLE_PATTERN)):
    user, creator = _followable_creator(request, handle)
    unfollow_creator(follower=user, creator=creator)
    return {"following": Follow.objects.filter(follower=user, creator=creator).exists()}


def _followable_community(request: HttpRequest, slug: str) -> tuple[User, Community]:
    user = require_writer(request)
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise not_found("No such community.")
    return user, community


@router.post("/communities/{slug}/follow", response=with_errors({200: FollowOut}), auth=writer)
def community_follow(request: HttpRequest, slug: str = Path(..., pattern=SLUG_PATTERN)):
    user, community = _followable_community(request, slug)
    follow_community(follower=user, community=community)
    return {"following": True}


@router.delete("/communities/{slug}/follow", response=with_errors({200: FollowOut}), auth=writer)
def community_unfollow(request: HttpRequest, slug: str = Path(..., pattern=SLUG_PATTERN)):
    user, community = _followable_community(request, slug)
    unfollow_community(follower=user, community=community)
    return {"following": Follow.objects.filter(follower=user, community=community).exists()}
