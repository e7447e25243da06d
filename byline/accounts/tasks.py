"""Account e-mail (verification links, reset links, security notices), sent by a task.

The message is rendered in the request (its templates need the request) and handed over as plain
strings, so the task needs nothing else and the answer never waits for, or fails with, the mail
server.
"""

from __future__ import annotations

import logging

from django.core.mail import EmailMultiAlternatives
from django_tasks import task

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
