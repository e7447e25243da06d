"""Background work for stories, through Django's tasks API (tasks take ids, not objects)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from byline.core.links import site_url
from byline.core.periodic import periodic
from byline.stories.images import story_images_delete_unused
from byline.stories.models import Story

SUBJECTS = {
    "approve": "Your story “{title}” is published",
    "reject": "Your story “{title}” needs changes",
    "unpublish": "Your story “{title}” was unpublished",
}


@task()
def send_moderation_email(*, story_id: int, action: str, reason: str = "") -> None:
    """Tell the author about a moderator's decision by e-mail."""
    story = Story.objects.select_related("author").filter(pk=story_id).first()
    if story is None or not story.author.email:
        return
    context = {
        "story": story,
        "action": action,
        "reason": reason,
        "site_name": settings.SITE_NAME,
        "story_url": site_url(story.get_absolute_url()),
        "my_stories_url": site_url(reverse("stories:mine")),
    }
    send_mail(
        subject=SUBJECTS[action].format(title=story.title),
        message=render_to_string("stories/email/moderation_decision.txt", context),
        from_email=None,
        recipient_list=[story.author.email],
    )


@periodic(every=3600)
@task()
def story_images_prune() -> int:
    """Hourly: delete editor images nothing has referred to for BYLINE_MEDIA_UNUSED_DAYS."""
    return story_images_delete_unused()
