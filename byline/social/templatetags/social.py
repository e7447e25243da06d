from django import template

from byline.core.rendering import plain_text as _plain_text
from byline.social.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The signed-in person's unread count for the bell (one indexed COUNT query)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user=user)


@register.filter
def plain_text(html: str) -> str:
    """The visible text of stored, sanitized HTML (a comment's body_html), for quoting it in
    a short excerpt: what readers saw, never the Markdown source. Autoescaped like any text."""
    return _plain_text(html or "")
