"""What happens around allauth's account events: other sessions end when the password changes,
other apps hear about it (signals.credentials_changed), and each event leaves a security log
line."""

from __future__ import annotations

from allauth.account import signals as allauth_signals
from django.contrib import messages
from django.contrib.auth import signals as auth_signals

from byline.accounts.services import user_sessions_end
from byline.accounts.signals import credentials_changed
from byline.core.logs import client_ip, security_event


def _password_event(reason: str):
    def receiver(sender, request, user, **kwargs) -> None:
        # After a change the current session stays (allauth has already moved it to the new
        # password hash); after a reset nothing stays: whoever asked for it signs in anew.
        keep = None
        if reason != "password_reset" and request.user.is_authenticated:
            keep = request.session.session_key
        ended = user_sessions_end(user=user, keep_session_key=keep)
        results = credentials_changed.send(sender=type(user), user=user, reason=reason)
        told = [text for _, text in results if text]
        security_event(
            reason,
            outcome="success",
            request=request,
            user=user,
            sessions_ended=ended,
            also=("; ".join(told) or None),
        )
        text = "For your safety, your account is now signed out of every other session."
        if told:
            text += " " + " ".join(f"{sentence}." for sentence in told)
        messages.info(request, text)

    receiver.__name__ = f"on_{reason}"
    return receiver


on_password_reset = _password_event("password_reset")
on_password_changed = _password_event("password_changed")
on_password_set = _password_event("password_set")


def on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    security_event("email_changed", outcome="success", request=request, user=user)


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    """Every sign-in is a tracked session (allauth.usersessions), whichever form it came
    through (the site's, or the admin's), so a password change can end it."""
    from allauth.usersessions.models import UserSession

    if request is None or not hasattr(request, "session"):
        return
    if client_ip(request) is None:
        return  # not a request from a client (Client.force_login's stand-in): nothing to track
    UserSession.objects.create_from_request(request, user=user)
    security_event("sign_in", outcome="success", request=request, user=user)


def connect() -> None:
    allauth_signals.password_reset.connect(on_password_reset, dispatch_uid="byline_pw_reset")
    allauth_signals.password_changed.connect(on_password_changed, dispatch_uid="byline_pw_changed")
    allauth_signals.password_set.connect(on_password_set, dispatch_uid="byline_pw_set")
    allauth_signals.email_changed.connect(on_email_changed, dispatch_uid="byline_email_changed")
    auth_signals.user_logged_in.connect(on_user_logged_in, dispatch_uid="byline_logged_in")
