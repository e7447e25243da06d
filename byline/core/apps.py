from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "byline.core"
    label = "core"

    def ready(self) -> None:
        from byline.core import invalidation

        invalidation.connect()
        from byline.core.renditions import connect_receivers

        connect_receivers()
        from byline.core import taskbackends

        taskbackends.connect()
