"""The social part of the story page: likes and following the author."""

from __future__ import annotations

from django.http import HttpRequest

from byline.social.policies import can_follow_creator, can_like_story, can_participate
from byline.social.selectors import is_following, viewer_likes
from byline.stories.models import Story


def social_context(request: HttpRequest, story: Story) -> dict:
    viewer = request.user
    return {
        "can_participate": can_participate(viewer),
        "can_like": can_like_story(viewer, story),
        "viewer_likes": viewer_likes(story=story, viewer=viewer),
        "can_follow_author": can_follow_creator(viewer, story.author),
        "follows_author": is_following(viewer=viewer, creator=story.author),
    }
