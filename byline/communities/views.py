from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from byline.communities.models import Community
from byline.core.pagination import keyset_page
from byline.social.policies import can_follow_community
from byline.social.selectors import communities_mark_followed, is_following
from byline.stories.models import Story


def community_list(request: HttpRequest) -> HttpResponse:
    # story_count is a column kept by byline.discovery.counts: no aggregate over the stories.
    communities = list(Community.objects.all())
    communities_mark_followed(viewer=request.user, communities=communities)
    return render(request, "communities/community_list.html", {"communities": communities})


def community_detail(request: HttpRequest, slug: str) -> HttpResponse:
    community = get_object_or_404(Community, slug=slug)
    page = keyset_page(
        Story.objects.published().filter(community=community).for_cards(),
        cursor=request.GET.get("after"),
        size=settings.PAGE_SIZE,
    )
    return render(
        request,
        "communities/community_detail.html",
        {
            "community": community,
            "page": page,
            "following": is_following(viewer=request.user, community=community),
            "can_follow": can_follow_community(request.user, community),
        },
    )
