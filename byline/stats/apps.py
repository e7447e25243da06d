from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "byline.stats"
    label = "stats"

    def ready(self) -> None:
        from byline.core import pagecache
        from byline.stats import services

        # Anonymous views answered by the fast path, before Django, are counted here too.
        pagecache.register_page_view(lambda story_id: services.view_record(story_id=story_id))
