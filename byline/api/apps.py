from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "byline.api"
    label = "api"

    def ready(self) -> None:
        from byline.api import signals
        from byline.api.errors import outside_error
        from byline.core.health import register_error_responder

        signals.connect()
        # Failures that happen before the API's own handlers still answer in its format.
        register_error_responder("/api/", outside_error)
