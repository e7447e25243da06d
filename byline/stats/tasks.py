from django_tasks import task

from byline.stats.services import view_counts_flush


@task()
def flush_view_counts() -> int:
    """Periodic: write the buffered page views to the database."""
    return view_counts_flush()
