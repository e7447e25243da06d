"""Reads for likes, follows, the Following timeline and notifications."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from byline.accounts.models import User
from byline.communities.models import Community
from byline.core.pagination import KeysetPage, keyset_page
from byline.social.models import Follow, Like, Notification
from byline.stories.models import Story


def viewer_likes(*, story: Story, viewer: User | None) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    return Like.objects.filter(story=story, user=viewer).exists()


def is_following(*, viewer: User | None, creator: User | None = None, community=None) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    if creator is not None:
        return Follow.objects.filter(follower=viewer, creator=creator).exists()
    return Follow.objects.filter(follower=viewer, community=community).exists()


def communities_mark_followed(*, viewer: User | None, communities: list[Community]) -> None:
    """Set `followed` and `can_follow` on each of `communities` for `viewer` (the follow button
    of a community list), in one query for the whole list, none for visitors."""
    from byline.social.policies import can_follow_community

    followed: set[int] = set()
    if viewer is not None and viewer.is_authenticated and communities:
        followed = set(
            Follow.objects.filter(
                follower=viewer, community__in=[c.pk for c in communities]
            ).values_list("community_id", flat=True)
        )
    for community in communities:
        community.followed = community.pk in followed
        community.can_follow = can_follow_community(viewer, community)


def follow_counts(*, user: User) -> dict[str, int]:
    """Followers and following of one person, in one query (the profile shows both)."""
    return Follow.objects.filter(Q(creator=user) | Q(follower=user)).aggregate(
        followers=Count("pk", filter=Q(creator=user)),
        following=Count("pk", filter=Q(follower=user)),
    )


def profile_follow_context(*, request, user: User) -> dict:
    """What a profile page shows about follows: counts, and the viewer's follow button state."""
    from byline.social.policies import can_follow_creator

    return {
        "follow_counts": follow_counts(user=user),
        "following": is_following(viewer=request.user, creator=user),
        "can_follow": can_follow_creator(request.user, user),
    }


def followers_page(*, user: User, cursor: str | None) -> KeysetPage:
    return keyset_page(
        Follow.objects.filter(creator=user).select_related("follower"),
        cursor=cursor,
        size=settings.PAGE_SIZE * 2,
        field="created_at",
    )


def following_page(*, user: User, cursor: str | None) -> KeysetPage:
    return keyset_page(
        Follow.objects.filter(follower=user).select_related("creator", "community"),
        cursor=cursor,
        size=settings.PAGE_SIZE * 2,
        field="created_at",
    )


def following_stories(*, viewer: User) -> QuerySet[Story]:
    """Published stories by followed creators or in followed communities.

    The followed ids are read first: a reader who follows nothing costs nothing (SQLite walked
    every published story to find none: 1.1 s at a million stories). Followed creators alone
    are given as a list, so each creator's stories come from story_author_idx (a few creators
    may post rarely: walking the newest stories for theirs could cross the whole site). With a
    community, whose stories are a good share of the site, the newest stories are walked."""
    follows = Follow.objects.filter(follower=viewer)
    creators, communities = [], []
    for creator_id, community_id in follows.values_list("creator_id", "community_id"):
        if creator_id is not None:
            creators.append(creator_id)
        if community_id is not None:
            communities.append(community_id)
    if not creators and not communities:
        return Story.objects.none()
    stories = Story.objects.published().for_cards()
    if not communities:
        return stories.filter(author_id__in=creators)
    # The follows again, as sub-selects this time: given literal lists for both columns,
    # SQLite reads every story of the community through its index and sorts them (0.1 s for a
    # community of 50,000 stories) instead of walking the newest stories (3 ms).
    return stories.filter(
        Q(author_id__in=follows.filter(creator__isnull=False).values("creator_id"))
        | Q(community_id__in=follows.filter(community__isnull=False).values("community_id"))
    )


def follow_suggestions(*, viewer: User, limit: int = 6) -> dict[str, list]:
    """Creators and communities with recent published stories that the viewer does not follow."""
    followed_creators = Follow.objects.filter(follower=viewer, creator__isnull=False).values(
        "creator_id"
    )
    followed_communities = Follow.objects.filter(follower=viewer, community__isnull=False).values(
        "community_id"
    )
    creators = list(
        User.objects.filter(is_active=True, stories__status=Story.Status.PUBLISHED)
        .exclude(pk=viewer.pk)
        .exclude(pk__in=followed_creators)
        .distinct()
        .order_by("username")[:limit]
    )
    communities = list(Community.objects.exclude(pk__in=followed_communities)[:limit])
    return {"creators": creators, "communities": communities}


def notifications_page(*, user: User, cursor: str | None) -> KeysetPage:
    return keyset_page(
        Notification.objects.filter(recipient=user).select_related(
            "actor", "story__author", "comment"
        ),
        cursor=cursor,
        size=settings.PAGE_SIZE * 2,
        field="created_at",
    )


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
