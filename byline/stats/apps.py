from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "byline.stats"
    label = "stats"

    def ready(self) -> None:
        from byline.core import fastpath, pagecache
        from byline.stats import services
        from byline.stats.reads import BEACON_PATH, fast_beacon, read_beacon_context
        from byline.stories import page

        # Every view of a story page: the story view and the fast path (before Django) call it.
        pagecache.register_page_view(lambda story_id: services.view_record(story_id=story_id))
        page.register_context(read_beacon_context)
        # Anonymous beacons are answered before Django (same rules as the view, stats.reads).
        fastpath.register_post(BEACON_PATH, fast_beacon)
