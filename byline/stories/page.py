"""What the story page shows below the story, supplied by the apps above stories.

The insights, comments and social apps each register a context provider in their
AppConfig.ready(); the story view, and every htmx action that re-renders a section of the page,
build the same context from all of them with `story_page_context`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from byline.stories.models import Story

ContextProvider = Callable[[HttpRequest, Story], dict]

_providers: list[ContextProvider] = []


def register_context(provider: ContextProvider) -> None:
    """`provider(request, story)` returns the names its part of the page needs."""
    if provider not in _providers:
        _providers.append(provider)


def story_page_context(*, request: HttpRequest, story: Story) -> dict:
    context: dict = {}
    for provider in _providers:
        context.update(provider(request, story))
    return context
