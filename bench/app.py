"""The WSGI application `make bench` serves: Byline's own (fast path included), plus two write
endpoints that only exist in the benchmark, so writes can be measured before the site's comment
and insight views exist. They call the same services those views call, as a reader picked at
random per request, so 32 concurrent writers really are 32 people:

POST /__bench__/comment   comment_create on one of 200 recent stories      -> 201 + the id
POST /__bench__/insight   toggle one insight (add if missing, else remove) -> 200
GET  /__bench__/count     number of comments (for the lost-write check)

Point BENCH_COMMENT_URL / BENCH_INSIGHT_URL at the real endpoints once they exist (see run.py).
Never deployed: bench/ is not part of the installed package.
"""

from __future__ import annotations

import random
import traceback

from byline.wsgi import application as byline_application

_state: dict = {}


def _setup() -> dict:
    if "readers" not in _state:
        from byline.accounts.models import User
        from byline.stories.models import Story

        # Writes land on 200 recent stories, not on the page the read benchmark measures. Both
        # lists are set in one step: another thread may read them as soon as they are there.
        stories = list(
            Story.objects.published()
            .exclude(author__username="bench_showcase")
            .order_by("-published_at")[:200]
        )
        readers = list(User.objects.filter(username__startswith="bench_reader_")[:2000])
        _state.update(stories=stories, readers=readers)
    return _state


def _comment(story, reader) -> tuple[str, bytes]:
    from byline.comments.services import comment_create

    # A different text each time: the same one again within minutes is refused as a duplicate.
    comment = comment_create(
        story=story,
        author=reader,
        body=f"A benchmark comment, *kindly* meant ({random.getrandbits(64):x}).",
    )
    return "201 Created", str(comment.pk).encode()


def _insight(story, reader) -> tuple[str, bytes]:
    from django.db import transaction

    from byline.insights.labels import INSIGHT_BY_KEY
    from byline.insights.models import Insight

    kind = random.choice(list(INSIGHT_BY_KEY))
    with transaction.atomic():
        deleted, _ = Insight.objects.filter(story=story, reader=reader, kind=kind).delete()
        if not deleted:
            Insight.objects.create(story=story, reader=reader, kind=kind)
    return "200 OK", b"ok"


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if not path.startswith("/__bench__/"):
        return byline_application(environ, start_response)
    from django.db import close_old_connections

    from byline.comments.models import Comment

    close_old_connections()
    try:
        state = _setup()
        story, reader = random.choice(state["stories"]), random.choice(state["readers"])
        if path == "/__bench__/comment" and environ["REQUEST_METHOD"] == "POST":
            status, body = _comment(story, reader)
        elif path == "/__bench__/insight" and environ["REQUEST_METHOD"] == "POST":
            status, body = _insight(story, reader)
        elif path == "/__bench__/count":
            status, body = "200 OK", str(Comment.objects.count()).encode()
        else:
            status, body = "404 Not Found", b"no such bench endpoint"
    except Exception as error:  # counted as a failed write by wrk; the log says why
        traceback.print_exc()
        status, body = "500 Internal Server Error", f"{type(error).__name__}: {error}".encode()
    finally:
        close_old_connections()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
