from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "byline.core"
    label = "core"

    def ready(self) -> None:
        from byline.core import invalidation, taskbackends
        from byline.core.models import StaticPage

        invalidation.watch_site(StaticPage, new_rows_shown=True)  # the footer links

        taskbackends.connect()
