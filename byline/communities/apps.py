from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "byline.communities"
    label = "communities"

    def ready(self) -> None:
        from byline.communities.models import Community
        from byline.core import invalidation, renditions

        invalidation.watch_site(Community)  # the community block of every story page
        renditions.register_image_field(Community, "logo")
