"""Helpers shared by the views that act on a story from its page (insights, comments, likes):
find the story the action is about, and answer with the section (htmx) or a redirect."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from byline.social.policies import is_public_story
from byline.stories.models import Story
from byline.stories.page import story_page_context


def public_story_or_404(story_id: int) -> Story:
    """Actions only happen on published stories; anything else does not exist (404)."""
    story = Story.objects.select_related("author", "community").filter(pk=story_id).first()
    if story is None or not is_public_story(story):
        raise Http404("No such story.")
    return story


def section_response(
    request: HttpRequest,
    *,
    story: Story,
    template: str,
    anchor: str,
    extra: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    """htmx: the re-rendered section, swapped in place. Without JavaScript: back to the story, at
    the section (or the full page with the error when `extra` carries one)."""
    # Services move the counters with F() in the database; read them back before rendering.
    story.refresh_from_db(fields=["comment_count", "like_count", "insight_count"])
    if request.htmx:
        context = {
            "story": story,
            **story_page_context(request=request, story=story),
            **(extra or {}),
        }
        return render(request, template, context)
    if extra and status >= 400:
        from byline.stories.views import story_json_ld

        context = {
            "story": story,
            "story_json_ld": story_json_ld(story),
            **story_page_context(request=request, story=story),
            **extra,
        }
        return render(request, "stories/story_detail.html", context, status=status)
    return redirect(f"{story.get_absolute_url()}#{anchor}")
