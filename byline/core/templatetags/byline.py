from __future__ import annotations

import datetime as dt
import json

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from byline.core.links import site_url

register = template.Library()


def relative_time(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """ "about a year ago", "3 days ago", "in 2 hours": how people say how long ago."""
    now = now or timezone.now()
    seconds = (now - moment).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    minutes, hours, days = seconds / 60, seconds / 3600, seconds / 86400
    if seconds < 45:
        phrase = "a few seconds"
    elif seconds < 90:
        phrase = "a minute"
    elif minutes < 45:
        phrase = f"{round(minutes)} minutes"
    elif minutes < 90:
        phrase = "an hour"
    elif hours < 22:
        phrase = f"{round(hours)} hours"
    elif hours < 36:
        phrase = "a day"
    elif days < 26:
        phrase = f"{round(days)} days"
    elif days < 45:
        phrase = "a month"
    elif days < 320:
        phrase = f"{round(days / 30.44)} months"
    elif days < 548:
        phrase = "about a year"
    else:
        phrase = f"{round(days / 365.25)} years"
    return f"in {phrase}" if future else f"{phrase} ago"


@register.filter
def ago(moment: dt.datetime | None) -> str:
    return relative_time(moment) if moment else ""


@register.simple_tag
def json_ld(data: dict) -> str:
    """A JSON-LD script block; `<`, `>` and `&` are escaped so text cannot close the tag."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


@register.filter
def absolute(path: str) -> str:
    """A link on this site (or on the media host) as an absolute address: core.links.site_url."""
    return site_url(str(path))
