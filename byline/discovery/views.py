from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from byline.core.links import site_url
from byline.discovery import selectors
from byline.discovery.services import (
    staff_pick_add,
    staff_pick_remove,
    trending_refresh_if_stale,
)
from byline.social.selectors import communities_mark_followed
from byline.stories.models import Story
from byline.stories.policies import is_moderator

EXPLORE_TABS = {"latest": "Latest", "trending": "Trending", "top": "Top"}
TOP_PERIODS = {"week": "This week", "month": "This month", "all": "All time"}


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Featured row, trending and latest. htmx "Older stories" asks for the latest part only."""
    cursor = request.GET.get("after")
    latest = selectors.stories_latest(cursor=cursor, size=settings.PAGE_SIZE)
    if request.htmx or cursor:
        context = {"page": latest, "paged": True}
    else:
        trending_refresh_if_stale()
        context = {
            "page": latest,
            "featured": selectors.stories_featured(),
            "trending": selectors.stories_trending(cursor=None, size=4).items,
        }
    template = "core/home.html" + ("#latest" if request.htmx else "")
    return render(request, template, context)


@require_safe
def explore(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "latest")
    tab = tab if tab in EXPLORE_TABS else "latest"
    period = request.GET.get("period", "week")
    period = period if period in TOP_PERIODS else "week"
    cursor, size = request.GET.get("after"), settings.PAGE_SIZE
    if tab == "trending":
        trending_refresh_if_stale()
        page = selectors.stories_trending(cursor=cursor, size=size)
    elif tab == "top":
        page = selectors.stories_top(period=period, cursor=cursor, size=size)
    else:
        page = selectors.stories_latest(cursor=cursor, size=size)
    context = {
        "tab": tab,
        "tabs": EXPLORE_TABS,
        "period": period,
        "periods": TOP_PERIODS,
        "page": page,
    }
    if request.htmx:
        return render(request, "core/explore.html#stories", context)
    context["communities"] = selectors.communities_with_counts()
    communities_mark_followed(viewer=request.user, communities=context["communities"])
    context["tags"] = selectors.tags_popular()
    return render(request, "core/explore.html", context)


@require_POST
def feature(request: HttpRequest, pk: int) -> HttpResponse:
    """Moderators add or remove a story from the home page's featured row."""
    if not is_moderator(request.user):
        raise Http404("No such story.")
    story = get_object_or_404(Story, pk=pk)
    if request.POST.get("featured") == "on":
        try:
            staff_pick_add(story=story, by=request.user)
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Featured on the home page.")
    else:
        staff_pick_remove(story=story, by=request.user)
        messages.success(request, "No longer featured.")
    return redirect(story)


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /settings/",
        "Disallow: /moderation/",
        "Disallow: /search/",
        "Disallow: /api/",
        "Allow: /api/docs",
        "",
        f"Sitemap: {site_url('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
