from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "byline.stories"
    label = "stories"

    def ready(self) -> None:
        from byline.core import pagecache
        from byline.stories import receivers
        from byline.stories.policies import can_view_story

        pagecache.register_public_check(lambda story: can_view_story(None, story))
        receivers.connect()
