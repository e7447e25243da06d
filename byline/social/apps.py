from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "byline.social"
    label = "social"
