from __future__ import annotations

from django.db import transaction

from byline.accounts.models import User
from byline.comments.models import BODY_MAX_LENGTH, Comment
from byline.stories.models import Story
from byline.stories.rendering import render_comment


@transaction.atomic
def comment_create(
    *, story: Story, author: User, body: str, parent: Comment | None = None
) -> Comment:
    body = body.strip()
    if not body:
        raise ValueError("A comment cannot be empty.")
    if len(body) > BODY_MAX_LENGTH:
        raise ValueError(f"A comment can be at most {BODY_MAX_LENGTH:,} characters long.")
    if parent is not None and parent.story_id != story.pk:
        raise ValueError("A reply must be on the same story as its comment.")
    return Comment.objects.create(
        story=story, author=author, parent=parent, body=body, body_html=render_comment(body)
    )
