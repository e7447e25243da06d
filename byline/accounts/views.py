from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from byline.accounts.forms import DeleteAccountForm, ProfileForm
from byline.accounts.policies import can_edit_profile
from byline.accounts.services import user_delete, user_update_profile
from byline.core.logs import security_event


@login_required
def settings_index(request: HttpRequest) -> HttpResponse:
    return redirect("accounts:settings_profile")


@login_required
@require_http_methods(["GET", "POST"])
def settings_profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_edit_profile(user, user):
        # Suspension is a write ban: say so plainly instead of showing a form that cannot work.
        return render(request, "accounts/settings_suspended.html", status=403)
    form = ProfileForm(request.POST or None, request.FILES or None, user=user)
    saved = False
    if request.method == "POST" and form.is_valid():
        shown_elsewhere = (user.username, user.name, user.avatar.name)
        try:
            user_update_profile(
                user=user,
                display_name=form.cleaned_data["display_name"],
                handle=form.cleaned_data["handle"],
                bio=form.cleaned_data["bio"],
                website=form.cleaned_data["website"],
                avatar=form.cleaned_data["avatar"],
                remove_avatar=form.cleaned_data["remove_avatar"],
            )
        except ValidationError as error:
            user.refresh_from_db()
            form.add_error(None, error)
        else:
            if not request.htmx:
                messages.success(request, "Your profile is saved.")
                return redirect("accounts:settings_profile")
            if shown_elsewhere != (user.username, user.name, user.avatar.name):
                # The header and links show the name, handle and avatar too: reload the page.
                messages.success(request, "Your profile is saved.")
                return HttpResponseClientRedirect(reverse("accounts:settings_profile"))
            saved = True
            form = ProfileForm(user=user)
    template = "accounts/settings_profile.html" + ("#profile-form" if request.htmx else "")
    context = {
        "form": form,
        "saved": saved,
        "image_limits": {
            "megabytes": settings.IMAGE_MAX_BYTES // (1024 * 1024),
            "megapixels": settings.IMAGE_MAX_PIXELS // 1_000_000,
        },
    }
    # htmx swaps only 2xx answers, so the partial with its error messages comes back as 200.
    status = 400 if form.errors and not request.htmx else 200
    return render(request, template, context, status=status)


@login_required
@reauthentication_required  # asked before the form is shown, so nothing typed is lost
@require_http_methods(["GET", "POST"])
def settings_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user_delete(user=request.user, keep_stories=form.cleaned_data["stories"] == form.KEEP)
        logout(request)
        messages.success(request, "Your account is deleted. Thank you for having been here.")
        return redirect("core:home")
    status = 400 if form.errors else 200
    return render(request, "accounts/settings_delete.html", {"form": form}, status=status)


# allauth's rate limits answer through the project's `handler429` (byline/urls.py).
THROTTLED_EVENTS = {
    "account_login": "sign_in_throttled",
    "account_signup": "sign_up_throttled",
    "account_reset_password": "password_reset_throttled",
    "account_reset_password_from_key": "password_reset_throttled",
    "account_change_password": "password_change_throttled",
    "account_email": "email_change_throttled",
    "account_reauthenticate": "reauthenticate_throttled",
}


def rate_limited(request: HttpRequest) -> HttpResponse:
    """The 429 page of allauth's rate limits (sign-in, sign-up, reset...), logged as a security
    event naming the action, the account (if signed in) and the client address."""
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else ""
    security_event(
        THROTTLED_EVENTS.get(name, "throttled"),
        outcome="refused",
        request=request,
        user=getattr(request, "user", None),
        path=request.path,
    )
    return render(request, "429.html", status=429)
