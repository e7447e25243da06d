from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "byline.communities"
    label = "communities"
