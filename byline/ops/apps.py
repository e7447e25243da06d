from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operating the whole site: backup and restore, demo content, benchmark data. It stands above
    every other app because each of these reads or writes all of them."""

    name = "byline.ops"
    label = "ops"
