from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from byline.accounts.models import User
from byline.communities.models import Community
from byline.core.pagination import keyset_page
from byline.social.actions import public_story_or_404, section_response
from byline.social.models import EmailPreference, Notification
from byline.social.selectors import (
    follow_counts,
    follow_suggestions,
    followers_page,
    following_page,
    following_stories,
    is_following,
    notifications_page,
    unread_count,
)
from byline.social.services import (
    email_preference_set,
    follow_community,
    follow_creator,
    like_add,
    like_remove,
    notification_mark_all_read,
    notification_mark_read,
    unfollow_community,
    unfollow_creator,
)


@login_required
@require_POST
def like(request: HttpRequest, story_id: int) -> HttpResponse:
    story = public_story_or_404(story_id)
    if request.POST.get("like") == "off":
        like_remove(story=story, user=request.user)
    else:
        like_add(story=story, user=request.user)
    story.refresh_from_db(fields=["like_count"])
    return section_response(
        request, story=story, template="social/_like_button.html", anchor="story-actions"
    )


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return redirect(target)


def _follow_answer(request: HttpRequest, target, *, following: bool) -> HttpResponse:
    """The follow button again for htmx, or back to where the reader was."""
    if request.htmx:
        context = {
            "target": target,
            "follow_url": request.path,
            "following": following,
            "can_follow": True,
            "next_url": request.POST.get("next", ""),
        }
        return render(request, "social/_follow_button.html", context)
    return _back(request, target.get_absolute_url())


@login_required
@require_POST
def follow_person(request: HttpRequest, handle: str) -> HttpResponse:
    creator = _person(handle)
    if request.POST.get("follow") == "off":
        unfollow_creator(follower=request.user, creator=creator)
    else:
        follow_creator(follower=request.user, creator=creator)
    following = is_following(viewer=request.user, creator=creator)
    return _follow_answer(request, creator, following=following)


@login_required
@require_POST
def follow_place(request: HttpRequest, slug: str) -> HttpResponse:
    community = get_object_or_404(Community, slug=slug)
    if request.POST.get("follow") == "off":
        unfollow_community(follower=request.user, community=community)
    else:
        follow_community(follower=request.user, community=community)
    following = is_following(viewer=request.user, community=community)
    return _follow_answer(request, community, following=following)


def _person(handle: str) -> User:
    return get_object_or_404(User, username__iexact=handle, is_active=True)


def followers(request: HttpRequest, handle: str) -> HttpResponse:
    person = _person(handle)
    page = followers_page(user=person, cursor=request.GET.get("after"))
    return render(
        request,
        "social/follow_list.html",
        {"person": person, "page": page, "which": "followers", **follow_counts(user=person)},
    )


def following(request: HttpRequest, handle: str) -> HttpResponse:
    person = _person(handle)
    page = following_page(user=person, cursor=request.GET.get("after"))
    return render(
        request,
        "social/follow_list.html",
        {"person": person, "page": page, "which": "following", **follow_counts(user=person)},
    )


@login_required
def timeline(request: HttpRequest) -> HttpResponse:
    """/following/: new stories from followed creators and communities, newest first."""
    from django.conf import settings

    page = keyset_page(
        following_stories(viewer=request.user),
        cursor=request.GET.get("after"),
        size=settings.PAGE_SIZE,
    )
    suggestions = None if page.items else follow_suggestions(viewer=request.user)
    return render(request, "social/following.html", {"page": page, "suggestions": suggestions})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = notifications_page(user=request.user, cursor=request.GET.get("after"))
    context = {"page": page, "unread": unread_count(user=request.user)}
    template = "social/notification_list.html"
    if request.htmx:
        template += "#inbox"
    return render(request, template, context)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = (
        Notification.objects.select_related("story__author").filter(pk=pk, recipient=request.user)
    ).first()
    if notification is None:
        raise Http404("No such notification.")
    notification_mark_read(notification=notification, user=request.user)
    if request.htmx:
        return notifications(request)
    return redirect("social:notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notification_mark_all_read(user=request.user)
    if request.htmx:
        return notifications(request)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("social:notifications")


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    preference, _ = EmailPreference.objects.get_or_create(user=request.user)
    if request.method == "POST":
        kinds = {kind for kind in request.POST.getlist("email") if kind in EmailPreference.KINDS}
        email_preference_set(user=request.user, kinds=kinds)
        messages.success(request, "Your notification settings are saved.")
        return redirect("social:notification_settings")
    choices = [
        (kind, EmailPreference._meta.get_field(kind).verbose_name, preference.wants(kind))
        for kind in EmailPreference.KINDS
    ]
    return render(request, "social/notification_settings.html", {"choices": choices})
