from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "byline.comments"
    label = "comments"

    def ready(self) -> None:
        from byline.comments import receivers
        from byline.comments.story_context import comments_context
        from byline.stories import page

        receivers.connect()
        page.register_context(comments_context)
