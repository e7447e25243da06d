from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from byline.accounts.models import User
from byline.core.pagination import keyset_page
from byline.social.selectors import profile_follow_context
from byline.stories.models import Story


def profile(request: HttpRequest, handle: str) -> HttpResponse:
    creator = get_object_or_404(User, username__iexact=handle, is_active=True)
    if creator.username != handle:
        return redirect(creator, permanent=True)
    page = keyset_page(
        Story.objects.published().filter(author=creator).for_cards(),
        cursor=request.GET.get("after"),
        size=settings.PAGE_SIZE,
    )
    return render(
        request,
        "accounts/user_detail.html",
        {"creator": creator, "page": page, **profile_follow_context(request=request, user=creator)},
    )
