"""The pages that list a creator's or a community's stories, with following them.

They read stories and social, so they live here above both; their URL names stay in the
namespaces of what they show (accounts:profile, communities:list, communities:detail), composed
in byline/urls.py.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from byline.accounts.policies import can_edit_profile
from byline.accounts.selectors import user_get_by_handle
from byline.communities.models import Community
from byline.core.pagination import keyset_page
from byline.social.policies import can_follow_community
from byline.social.selectors import communities_mark_followed, is_following, profile_follow_context
from byline.stories.models import Story


def profile(request: HttpRequest, handle: str) -> HttpResponse:
    creator = user_get_by_handle(handle=handle)
    if creator.username != handle:
        return redirect(creator, permanent=True)
    page = keyset_page(
        Story.objects.published().filter(author=creator).for_cards(),
        cursor=request.GET.get("after"),
        size=settings.PAGE_SIZE,
    )
    context = {
        "creator": creator,
        "page": page,
        "can_edit": can_edit_profile(request.user, creator),
        **profile_follow_context(request=request, user=creator),
    }
    return render(request, "accounts/user_detail.html", context)


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
