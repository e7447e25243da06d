from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from byline.communities.models import Community
from byline.search.forms import SearchForm
from byline.search.selectors import search_everything


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """/search/?q=: stories, creators and communities. htmx asks for the results part only."""
    form = SearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        since, until = form.date_bounds()
        results = search_everything(
            query=form.cleaned_data["q"],
            community_slug=form.cleaned_data["community"],
            tag_slug=form.cleaned_data["tag"],
            creator_handle=form.cleaned_data["creator"],
            since=since,
            until=until,
            cursor=request.GET.get("after"),
            size=settings.PAGE_SIZE,
        )
    context = {
        "form": form,
        "results": results,
        "communities": Community.objects.only("name", "slug"),
        "query_without_cursor": _query_without_cursor(request),
    }
    template = "search/search.html" + ("#results" if request.htmx else "")
    return render(request, template, context)


def _query_without_cursor(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("after", None)
    return params.urlencode()
