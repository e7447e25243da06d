from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "byline.search"
    label = "search"

    def ready(self) -> None:
        from byline.search import signals  # noqa: F401 (connects the receivers)
