from django import template

from byline.social.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The signed-in person's unread count for the bell (one indexed COUNT query)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user=user)
