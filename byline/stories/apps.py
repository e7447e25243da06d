from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "byline.stories"
    label = "stories"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from byline.core import invalidation, pagecache, renditions
        from byline.stories import receivers
        from byline.stories.models import Story, Tag
        from byline.stories.policies import can_view_story

        pagecache.register_public_check(lambda story: can_view_story(None, story))
        receivers.connect()
        invalidation.watch_stories(Story)
        invalidation.watch_site(Tag)
        invalidation.watch_authors(
            get_user_model(),
            lambda author_id: Story.objects.filter(author_id=author_id).values_list(
                "pk", flat=True
            ),
        )
        renditions.register_image_field(Story, "hero_image")
