from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "byline.insights"
    label = "insights"

    def ready(self) -> None:
        from byline.insights.story_context import insights_context
        from byline.stories import page

        page.register_context(insights_context)
