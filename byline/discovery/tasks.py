from django_tasks import task

from byline.discovery.services import trending_recompute


@task()
def recompute_trending() -> int:
    """Periodic: run every few minutes by the scheduler (cron, `byline trending`, or the
    view-count flush hook of the stats branch)."""
    return trending_recompute()
