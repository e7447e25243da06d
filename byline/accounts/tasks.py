"""Account e-mail (verification links, reset links, security notices), sent by tasks.

Messages are rendered in the request (allauth's templates may use it) and handed over as plain
strings to `account_email_send`, so the answer never waits for, or fails with, the mail server.
A password-reset request hands over only the address and the accounts found
(`password_reset_mail_send`), so a registered and an unregistered address cost the request the
same.
"""

from __future__ import annotations

import logging

from django.core.mail import EmailMultiAlternatives
from django_tasks import task

from byline.core.links import site_url

logger = logging.getLogger("byline.mail")


@task()
def account_email_send(
    *,
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    html: str = "",
    headers: dict[str, str] | None = None,
) -> bool:
    """Send one rendered account message. A failure is logged, never raised: a visitor's page
    must not depend on the mail server, and a retry could mail a link twice. Returns whether the
    server took it."""
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers or None)
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as error:
        # The message body is never logged: it holds the reset or verification link.
        logger.warning(
            "account e-mail not sent (%s): %s",
            type(error).__name__,
            error,
            extra={"recipients": len(to), "error": type(error).__name__},
        )
        return False
    return True


@task()
def password_reset_mail_send(*, email: str, user_ids: list[int]) -> int:
    """Mail a reset link for each account (active still) to `email`, or, when there is none,
    allauth's "no account with this address" message (ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS). The link's
    token is made here, from the account as it is now. Returns how many messages were queued."""
    from allauth.account import app_settings
    from allauth.account.adapter import get_adapter
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.urls import reverse

    from byline.accounts.models import User

    adapter = get_adapter()
    users = list(User.objects.filter(pk__in=user_ids, is_active=True))
    if not users:
        if not app_settings.EMAIL_UNKNOWN_ACCOUNTS:
            return 0
        signup_url = site_url(reverse("account_signup"))
        adapter.send_mail("account/email/unknown_account", email, {"signup_url": signup_url})
        return 1
    for user in users:
        uid = user_pk_to_url_str(user)
        token = default_token_generator.make_token(user)
        context = {
            "user": user,
            "password_reset_url": adapter.get_reset_password_from_key_url(f"{uid}-{token}"),
            "uid": uid,
            "key": token,
            "username": user.username,
        }
        adapter.send_password_reset_mail(user, email, context)
    return len(users)
