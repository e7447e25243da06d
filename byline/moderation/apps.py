from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "byline.moderation"
    label = "moderation"

    def ready(self) -> None:
        from byline.moderation import receivers

        receivers.connect()
