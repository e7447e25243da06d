from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "byline.search"
    label = "search"
