from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from byline.accounts.models import User
from byline.core.outbox import enqueue_on_commit
from byline.discovery.models import StaffPick
from byline.discovery.trending import WINDOW, trending_score_expression
from byline.moderation.models import ModerationAction
from byline.moderation.services import moderation_log
from byline.stories.models import Story
from byline.stories.policies import is_moderator


def trending_recompute(*, now: dt.datetime | None = None) -> int:
    """Recompute Story.trending_score for stories published within the window, in one UPDATE,
    and zero the scores of those that left it. Returns the number of stories scored.

    `.update()` sends no post_save signal: a score change must not re-index search."""
    now = now or timezone.now()
    published = Story.objects.filter(status=Story.Status.PUBLISHED)
    with transaction.atomic():
        scored = published.filter(published_at__gte=now - WINDOW, published_at__lte=now).update(
            trending_score=trending_score_expression(now)
        )
        # Only rows with a score > 0 are touched: an index range on story_trending_idx.
        Story.objects.filter(trending_score__gt=0).exclude(
            status=Story.Status.PUBLISHED, published_at__gte=now - WINDOW, published_at__lte=now
        ).update(trending_score=0)
    return scored


def trending_refresh_if_stale() -> bool:
    """Enqueue a recompute when the last one is older than BYLINE_TRENDING_INTERVAL seconds.

    This is the periodic trigger that needs no scheduler: the trending pages call it, and
    `cache.add` lets exactly one request per interval enqueue the task (with the immediate
    back-end it runs in that request; with BYLINE_TASKS=rq or database, on a worker). Operators
    with cron can also run `byline trending`. Returns True when a recompute was enqueued."""
    if not cache.add("discovery:trending-fresh", True, settings.TRENDING_INTERVAL):
        return False
    enqueue_on_commit("byline.discovery.tasks.recompute_trending")
    return True


@transaction.atomic
def staff_pick_add(*, story: Story, by: User) -> StaffPick:
    """Feature a published story on the home page. Moderators only; logged."""
    if not is_moderator(by):
        raise PermissionDenied("Only moderators can feature stories.")
    if not story.is_published:
        raise ValueError("Only published stories can be featured.")
    pick, created = StaffPick.objects.get_or_create(story=story, defaults={"picked_by": by})
    if created:
        moderation_log(actor=by, action=ModerationAction.Action.FEATURE, target=story)
    return pick


@transaction.atomic
def staff_pick_remove(*, story: Story, by: User) -> None:
    if not is_moderator(by):
        raise PermissionDenied("Only moderators can change featured stories.")
    deleted, _ = StaffPick.objects.filter(story=story).delete()
    if deleted:
        moderation_log(actor=by, action=ModerationAction.Action.UNFEATURE, target=story)
