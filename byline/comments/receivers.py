"""The comments app's part in what lower apps announce."""

from __future__ import annotations

from byline.comments.models import Comment


def on_account_deleting(sender, user, sentinel, keep_stories: bool, **kwargs) -> list[str]:
    """Kept: every comment moves to the "Deleted account". Not kept: comments others replied to
    stay as empty "deleted" placeholders so the replies keep their thread; the rest go with the
    account."""
    own_comments = Comment.objects.filter(author=user)
    if keep_stories:
        own_comments.update(author=sentinel)
    else:
        replied_to = own_comments.filter(replies__isnull=False).distinct()
        replied_to.update(author=sentinel, is_deleted=True, body="", body_html="")
    return []


def connect() -> None:
    from byline.accounts.signals import account_deleting

    account_deleting.connect(on_account_deleting, dispatch_uid="comments_account_deleting")
