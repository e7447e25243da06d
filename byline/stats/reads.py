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

import io
import re
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from byline.core.cache import CacheUnavailable
from byline.core.ratelimit import client_address, rate_hit
from byline.stats.services import arrival_record, depth_record, read_record, reader_record
from byline.stats.sources import clean_host
from byline.stories.models import Story

READ_DEPTH = 0.8  # the share of the text scrolled past (said to the script)
READ_TIME_SHARE = 0.2  # the share of the reading time the page must have been open
READ_MIN_SECONDS, READ_MAX_SECONDS = 5, 90
LOAD_SECONDS = 24 * 3600  # how long a page load's id is remembered
EVENTS = {"arrive", "read", "depth"}
DEPTHS = ("0", "25", "50", "75", "100")
BEACON_PATH = "/stats/read"
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


@dataclass(frozen=True)
class Answer:
    status: int
    text: str = ""
    retry_after: int | None = None


_NO_CONTENT = Answer(204)
# Published stories' authors as recently read from the database: story id -> (author id or
# None for no published story, when read). The fast path answers beacons only for stories in
# here; the view fills it. A story unpublished meanwhile counts for at most this long.
_AUTHORS: dict[int, tuple[int | None, float]] = {}
AUTHORS_SECONDS = 30
_AUTHORS_MAX = 50_000


def _author_from_database(story_id: int) -> int | None:
    author_id = (
        Story.objects.published().filter(pk=story_id).values_list("author_id", flat=True).first()
    )
    if len(_AUTHORS) >= _AUTHORS_MAX:
        _AUTHORS.clear()
    _AUTHORS[story_id] = (author_id, time.monotonic())
    return author_id


def _known_author(story_id: int) -> tuple[bool, int | None]:
    found = _AUTHORS.get(story_id)
    if found is None or time.monotonic() - found[1] > AUTHORS_SECONDS:
        return False, None
    return True, found[0]


def _foreign_origin(origin: str | None, host: str) -> bool:
    if not origin or origin == "null":
        return False
    netloc = urlsplit(origin).netloc
    return netloc != urlsplit(settings.SITE_URL).netloc and netloc != host


def _first_time(event: str, story_id: int, load_id: str) -> bool:
    try:
        return cache.add(f"stats:{event}:{story_id}:{load_id}", 1, LOAD_SECONDS)
    except CacheUnavailable:
        return False  # cannot tell a repeat: count nothing rather than count twice


def _parse(data) -> tuple[int, str, str, str] | None:
    """(story id, load id, event, referring host or depth) of a well-formed beacon, else
    None."""
    story_id, load_id = data.get("story", ""), data.get("load", "")
    event = data.get("event", "read")
    host = clean_host(data.get("ref", "")) if event == "arrive" else ""
    if event == "depth":  # the value rides in the same slot as the referring host
        host = data.get("d", "") if data.get("d", "") in DEPTHS else None
    if (
        not story_id.isdigit()
        or len(story_id) > 12
        or not _LOAD_ID.fullmatch(load_id)
        or event not in EVENTS
        or host is None
    ):
        return None
    return int(story_id), load_id, event, host


def beacon_answer(
    beacon: tuple[int, str, str, str] | None,
    *,
    origin: str | None,
    host: str,
    user_agent: str,
    address: str,
    viewer_id: int | None,
    author_id: int | None,
) -> Answer:
    """What a beacon gets, and whether it counts: the one set of rules for the view and the
    fast path. `author_id` is the story's author (None: no published story)."""
    if beacon is None:
        return Answer(400, "Malformed read beacon.")
    story_id, load_id, event, referrer = beacon
    if _foreign_origin(origin, host):
        return Answer(403, "Reads are counted from this site only.")
    wait = rate_hit(f"{event}:{address}", limit=settings.READS_PER_MINUTE)
    if wait is not None:
        return Answer(429, "Too many reads.", retry_after=wait)
    if _BOT.search(user_agent) or author_id is None or author_id == viewer_id:
        return _NO_CONTENT
    if _first_time(event, story_id, load_id):
        if event == "arrive":
            arrival_record(story_id=story_id, host=referrer)
            reader_record(story_id=story_id, address=address, user_agent=user_agent)
        elif event == "depth":
            depth_record(story_id=story_id, depth=int(referrer))
        else:
            read_record(story_id=story_id)
    return _NO_CONTENT


@csrf_exempt  # sent by cached anonymous pages, which carry no CSRF token; it changes a counter
@require_POST
def read_beacon(request: HttpRequest) -> HttpResponse:
    """One beacon per event of a page load: `arrive` (sent when the page opens, with the host
    name of the page the reader came from, `ref`) and `read` (the reader reached the end).

    Always 204 for a well-formed beacon, counted or not (a sender learns nothing);
    400 for a malformed one, 403 from another site, 429 past the rate limit. Anonymous beacons
    for a story seen lately are answered by `fast_beacon`, before Django, by the same rules."""
    beacon = _parse(request.POST)
    answer = beacon_answer(
        beacon,
        origin=request.headers.get("Origin"),
        host=request.get_host(),
        user_agent=request.headers.get("User-Agent", ""),
        address=client_address(request),
        viewer_id=request.user.pk,
        author_id=_author_from_database(beacon[0]) if beacon else None,
    )
    if answer.status == 204:
        return HttpResponse(status=204)
    response = HttpResponse(answer.text, status=answer.status, content_type="text/plain")
    if answer.retry_after is not None:
        response["Retry-After"] = str(answer.retry_after)
    return response


_STATUS = {
    204: "204 No Content",
    400: "400 Bad Request",
    403: "403 Forbidden",
    429: "429 Too Many Requests",
}
BODY_MAX_BYTES = 1024


def fast_beacon(environ) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """The beacon before Django (byline.core.fastpath), for an anonymous reader of a story whose
    author is known here: no middleware, no session, no database. None hands it to Django."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= BODY_MAX_BYTES:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)  # so Django can still read it
    fields = {key: values[0] for key, values in parse_qs(body.decode("latin-1")).items()}
    beacon = _parse(fields)
    if beacon is None:
        return None
    known, author_id = _known_author(beacon[0])
    if not known:
        return None
    request = HttpRequest()
    request.META = environ
    answer = beacon_answer(
        beacon,
        origin=environ.get("HTTP_ORIGIN"),
        host=environ.get("HTTP_HOST", ""),
        user_agent=environ.get("HTTP_USER_AGENT", ""),
        address=client_address(request),
        viewer_id=None,
        author_id=author_id,
    )
    headers = [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if answer.retry_after is not None:
        headers.append(("Retry-After", str(answer.retry_after)))
    body = answer.text.encode()
    headers.append(("Content-Length", str(len(body))))
    return _STATUS[answer.status], headers, body
