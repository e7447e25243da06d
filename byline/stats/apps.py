from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "byline.stats"
    label = "stats"
