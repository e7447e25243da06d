from django_tasks import task

from byline.discovery.services import trending_recompute


@task()
def recompute_trending() -> int:
    """Periodic: enqueued by the trending pages once per BYLINE_TRENDING_INTERVAL, or run from
    cron with `byline trending`."""
    return trending_recompute()
