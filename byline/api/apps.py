from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "byline.api"
    label = "api"

    def ready(self) -> None:
        from byline.api import signals

        signals.connect()
