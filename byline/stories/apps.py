from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "byline.stories"
    label = "stories"
