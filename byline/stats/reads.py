"""Reads (page loads in which the reader reached the end of the story) and where readers came
from.

The story page carries a small first-party script (static/byline/js/reads.js, no cookie, no
third party). When the reader has scrolled past READ_DEPTH of the text and the page has been
open for a share of the reading time (`read_seconds`), it sends one beacon
(`navigator.sendBeacon`) to `read_beacon` with the story's id and a random id for this page
load. When the page opens it sends another, `arrive`, with the host name of the referring page
(`document.referrer`'s host, nothing else; none for direct visits), for the creator's sources.
The page itself is the same for every reader, so cached anonymous pages count too.

The beacon counts a read only for a published story, once per page load (the load id is kept
for a day in the cache), never for the story's author, never for a client that says it is a
bot, and at most BYLINE_READS_PER_MINUTE per client address. Nothing that identifies a reader is
stored: the counts go to the same buffer and daily rollup as views.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from byline.core.cache import CacheUnavailable
from byline.core.ratelimit import client_address, rate_hit
from byline.stats.services import arrival_record, read_record
from byline.stats.sources import clean_host
from byline.stories.models import Story

READ_DEPTH = 0.8  # the share of the text scrolled past (said to the script)
READ_TIME_SHARE = 0.2  # the share of the reading time the page must have been open
READ_MIN_SECONDS, READ_MAX_SECONDS = 5, 90
LOAD_SECONDS = 24 * 3600  # how long a page load's id is remembered
EVENTS = {"arrive", "read"}
_LOAD_ID = re.compile(r"[0-9a-f]{32}")
# Crawlers, link previews and monitors name themselves; none of them reads.
_BOT = re.compile(
    r"bot|crawl|spider|slurp|preview|fetch|monitor|python|curl|wget|httpx|"
    r"facebookexternalhit|embedly|quora link|whatsapp|discord|telegram",
    re.IGNORECASE,
)


def read_seconds(story: Story) -> int:
    """How long the page must have been open before its read counts."""
    seconds = round(story.reading_minutes * 60 * READ_TIME_SHARE)
    return max(READ_MIN_SECONDS, min(READ_MAX_SECONDS, seconds))


def read_beacon_context(request: HttpRequest, story: Story) -> dict:
    """The story page's part: what the reads script needs (registered in StatsConfig.ready)."""
    if not story.is_published:
        return {}
    return {
        "read_beacon": {
            "url": reverse("stats:read"),
            "seconds": read_seconds(story),
            "depth": READ_DEPTH,
        }
    }


def _foreign_origin(request: HttpRequest) -> bool:
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    return urlsplit(origin).netloc != urlsplit(settings.SITE_URL).netloc and (
        urlsplit(origin).netloc != request.get_host()
    )


def _first_time(event: str, story_id: int, load_id: str) -> bool:
    try:
        return cache.add(f"stats:{event}:{story_id}:{load_id}", 1, LOAD_SECONDS)
    except CacheUnavailable:
        return False  # cannot tell a repeat: count nothing rather than count twice


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain")


@csrf_exempt  # sent by cached anonymous pages, which carry no CSRF token; it changes a counter
@require_POST
def read_beacon(request: HttpRequest) -> HttpResponse:
    """One beacon per event of a page load: `arrive` (sent when the page opens, with the host
    name of the page the reader came from, `ref`) and `read` (the reader reached the end).

    Always 204 for a well-formed beacon, counted or not (a sender learns nothing);
    400 for a malformed one, 403 from another site, 429 past the rate limit."""
    story_id, load_id = request.POST.get("story", ""), request.POST.get("load", "")
    event = request.POST.get("event", "read")
    host = clean_host(request.POST.get("ref", "")) if event == "arrive" else ""
    if (
        not story_id.isdigit()
        or len(story_id) > 12
        or not _LOAD_ID.fullmatch(load_id)
        or event not in EVENTS
        or host is None
    ):
        return _plain("Malformed read beacon.", 400)
    if _foreign_origin(request):
        return _plain("Reads are counted from this site only.", 403)
    wait = rate_hit(f"{event}:{client_address(request)}", limit=settings.READS_PER_MINUTE)
    if wait is not None:
        response = _plain("Too many reads.", 429)
        response["Retry-After"] = str(wait)
        return response
    if _BOT.search(request.headers.get("User-Agent", "")):
        return HttpResponse(status=204)
    author_id = (
        Story.objects.published()
        .filter(pk=int(story_id))
        .values_list("author_id", flat=True)
        .first()
    )
    if author_id is None or author_id == request.user.pk:
        return HttpResponse(status=204)
    if _first_time(event, int(story_id), load_id):
        if event == "arrive":
            arrival_record(story_id=int(story_id), host=host)
        else:
            read_record(story_id=int(story_id))
    return HttpResponse(status=204)
