from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "byline.moderation"
    label = "moderation"
