"""The insights part of the story page: the summary, how it works, and what the viewer may do."""

from __future__ import annotations

from django.http import HttpRequest

from byline.insights.labels import HOW_IT_WORKS
from byline.insights.policies import can_give_insights, can_see_full_counts
from byline.insights.selectors import insights_summary
from byline.stories.models import Story


def insights_context(request: HttpRequest, story: Story) -> dict:
    viewer = request.user
    return {
        "insights": insights_summary(story=story, viewer=viewer),
        "insights_how_it_works": HOW_IT_WORKS,
        "can_give_insights": can_give_insights(viewer, story),
        "sees_full_counts": can_see_full_counts(viewer, story),
    }
