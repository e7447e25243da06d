"""Background work for notifications (Django's tasks API; in-process unless configured)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from byline.social.models import EmailPreference, Notification


@task()
def notification_send_email(*, notification_id: int) -> bool:
    """E-mail one notification, if it still exists and the recipient still wants this kind;
    at most once, however often the task runs (the outbox delivers at least once)."""
    notification = (
        Notification.objects.select_related("recipient", "actor", "story__author", "comment")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or not notification.recipient.email:
        return False
    preference = EmailPreference.objects.filter(user_id=notification.recipient_id).first()
    if preference is None or not preference.wants(notification.kind):
        return False
    context = {
        "notification": notification,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    subject = render_to_string("social/email/notification_subject.txt", context).strip()
    body = render_to_string("social/email/notification_body.txt", context)
    unsent = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True)
    if not unsent.update(emailed_at=timezone.now()):
        return False  # sent already, by this task's earlier run
    try:
        send_mail(" ".join(subject.split())[:200], body, None, [notification.recipient.email])
    except Exception:
        # Not sent: the next run (a retry, a re-send) may try again.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True
