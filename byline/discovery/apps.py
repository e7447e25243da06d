from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "byline.discovery"
    label = "discovery"

    def ready(self) -> None:
        from byline.discovery import counts

        counts.connect()  # Community.story_count and Tag.story_count follow story changes
