"""The comments part of the story page: the thread (sorted and paged as asked) and what the
viewer may do with it."""

from __future__ import annotations

from django.http import HttpRequest

from byline.comments.policies import can_comment, can_toggle_comments
from byline.comments.selectors import comment_thread
from byline.stories.models import Story


def comments_context(request: HttpRequest, story: Story) -> dict:
    viewer = request.user
    return {
        "comments": comment_thread(
            story=story,
            sort=request.GET.get("sort", "oldest"),
            cursor=request.GET.get("after"),
            thread=request.GET.get("thread"),
        ),
        "can_comment": can_comment(viewer, story),
        "can_toggle_comments": can_toggle_comments(viewer, story),
    }
