from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "byline.insights"
    label = "insights"

    def ready(self) -> None:
        from byline.core import invalidation
        from byline.insights.models import Insight, Rating
        from byline.insights.story_context import insights_context
        from byline.stories import page

        page.register_context(insights_context)
        invalidation.watch_story_parts(Insight, Rating)
