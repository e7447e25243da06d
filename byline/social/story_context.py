"""Everything personal and social the story page shows below the story, gathered in one place
so the story view, and every htmx action that re-renders a section, build the same context."""

from __future__ import annotations

from django.http import HttpRequest

from byline.comments.policies import can_comment, can_toggle_comments
from byline.comments.selectors import comment_thread
from byline.insights.labels import HOW_IT_WORKS
from byline.insights.policies import can_give_insights, can_see_full_counts
from byline.insights.selectors import insights_summary
from byline.social.policies import can_follow_creator, can_like_story, can_participate
from byline.social.selectors import is_following, viewer_likes
from byline.stories.models import Story


def story_engagement(*, request: HttpRequest, story: Story) -> dict:
    viewer = request.user
    return {
        "insights": insights_summary(story=story, viewer=viewer),
        "insights_how_it_works": HOW_IT_WORKS,
        "can_give_insights": can_give_insights(viewer, story),
        "sees_full_counts": can_see_full_counts(viewer, story),
        "comments": comment_thread(
            story=story,
            sort=request.GET.get("sort", "oldest"),
            cursor=request.GET.get("after"),
            thread=request.GET.get("thread"),
        ),
        "can_comment": can_comment(viewer, story),
        "can_toggle_comments": can_toggle_comments(viewer, story),
        "can_participate": can_participate(viewer),
        "can_like": can_like_story(viewer, story),
        "viewer_likes": viewer_likes(story=story, viewer=viewer),
        "can_follow_author": can_follow_creator(viewer, story.author),
        "follows_author": is_following(viewer=viewer, creator=story.author),
    }
