from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "byline.insights"
    label = "insights"
