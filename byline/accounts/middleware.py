from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from byline.core.context_processors import site


class SiteContextMiddleware:
    """Keep the site's own `site` template variable on allauth's pages.

    allauth's sign-in/sign-up views put a `site` (named after the request's Host header) into
    their context, which would shadow ours in the shared layout (title, footer).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_template_response(self, request: HttpRequest, response):
        # A response restored from the cache (cache_page: sitemaps) is rendered and has no context.
        context = getattr(response, "context_data", None)
        if (
            isinstance(context, dict)
            and "site" in context
            and not isinstance(context["site"], dict)
        ):
            context["site"] = site(request)["site"]
        return response
