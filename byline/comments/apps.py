from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "byline.comments"
    label = "comments"

    def ready(self) -> None:
        from byline.comments import receivers
        from byline.comments.models import Comment
        from byline.comments.story_context import comments_context
        from byline.core import invalidation
        from byline.stories import page

        receivers.connect()
        invalidation.watch_story_parts(Comment)
        page.register_context(comments_context)
