from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    """Export and import of stories with what they received (comments, insights): above the
    apps whose data the archive carries."""

    name = "byline.portability"
    label = "portability"
