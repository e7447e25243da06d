from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "byline.social"
    label = "social"

    def ready(self) -> None:
        from byline.core import invalidation
        from byline.social import receivers
        from byline.social.models import Like
        from byline.social.story_context import social_context
        from byline.stories import page

        receivers.connect()
        invalidation.watch_story_parts(Like)
        page.register_context(social_context)
