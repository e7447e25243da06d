from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404

from byline.accounts.models import HandleRedirect, User
from byline.stories.models import Story, StorySlugRedirect
from byline.stories.policies import can_view_story


def story_get_for_reader(*, handle: str, slug: str, viewer: User | None) -> Story:
    """The story at /@handle/slug as `viewer` may see it.

    Raises Http404 when it does not exist *or* the viewer may not see it, so that drafts do not
    even reveal that they exist. Raises StorySlugRedirect.DoesNotExist never: a renamed story is
    returned with `story.moved = True` so the view can redirect to the current address.
    """
    queryset = Story.objects.select_related("author", "community").prefetch_related(
        Prefetch("tags")
    )
    story = queryset.filter(author__username__iexact=handle, slug=slug).first()
    moved = False
    if story is None:
        redirect = (
            StorySlugRedirect.objects.filter(author__username__iexact=handle, old_slug=slug)
            .select_related("story")
            .first()
        )
        if redirect is None:
            # An old handle (the author renamed themselves): look under the current one.
            owner = HandleRedirect.objects.filter(old_handle=handle.lower()).first()
            if owner is None:
                raise Http404("No such story.")
            story = (
                queryset.filter(author_id=owner.user_id, slug=slug).first()
                or queryset.filter(author_id=owner.user_id, slug_redirects__old_slug=slug).first()
            )
            if story is None:
                raise Http404("No such story.")
        else:
            story = queryset.get(pk=redirect.story_id)
        moved = True
    if not can_view_story(viewer, story):
        raise Http404("No such story.")
    story.moved = moved or story.author.username != handle
    return story
