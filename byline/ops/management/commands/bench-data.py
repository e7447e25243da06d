"""`byline bench-data --stories N --comments M`: realistic data for `make bench`, fast.

Writes creators, readers, communities, tags, N published stories (with tags) and M comments with
bulk statements (COPY on PostgreSQL, executemany in large transactions on SQLite), reusing a pool
of pre-rendered bodies so that a million stories take minutes. Counters (comment_count) match the
rows. It only ever writes into a database of its own: it refuses a database that holds accounts
it did not create (point BYLINE_DATA_DIR or DATABASE_URL somewhere empty).

One story is the benchmark's page: @bench_showcase/the-benchmark-story, ~1,800 words, with
comments, ratings and insights, like the seed story. `--info` prints a session key for the
reader `bench_reader` and the benchmark's URLs, as JSON, and writes nothing else.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from array import array
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.module_loading import import_string

from byline.accounts.models import User
from byline.comments.models import Comment
from byline.communities.models import Community
from byline.core.rendering import excerpt, plain_text, render_comment, render_markdown
from byline.insights.models import Insight, Rating
from byline.stats.models import StoryDay, StorySource
from byline.stories.models import Story, Tag
from byline.stories.services import story_render

PREFIX = "bench_"
SHOWCASE_HANDLE = "bench_showcase"
SHOWCASE_SLUG = "the-benchmark-story"
READER_HANDLE = "bench_reader"
STATS_CREATOR = "bench_author_0"  # the creator whose dashboard the benchmark measures
ROLLUP_DAYS = 100
ESTABLISHED = dt.timedelta(days=365)
DEMO_STORIES = Path(__file__).resolve().parents[3] / "demo" / "stories"
WORDS = (  # noqa: SIM905 - a sentence reads better than a list of 36 strings
    "river light morning stone garden letter winter harbour bread window kitchen road "
    "memory silence weather paper city mountain music table promise island forest field "
    "lantern bridge orchard market station ladder candle meadow thread engine compass"
).split()
COMMUNITIES = [
    "Earth", "Families", "Fiction", "Poets", "Journal", "Lifehack", "Travel", "Feast",
    "Filthy", "Futurism", "Gamers", "Geeks", "Humans", "Longevity", "Motivation", "Photography",
    "Psyche", "Education", "Beat", "Criminal",
]  # fmt: skip
BATCH = 20_000


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


class TableWriter:
    """Rows for `model` with every concrete column filled: the ones we vary, and each other
    field's default (so columns added by other apps later do not break the generator)."""

    def __init__(self, model, varying: list[str], *, auto_flush: bool = True) -> None:
        self.model = model
        self.auto_flush = auto_flush
        fields = [
            f
            for f in model._meta.concrete_fields
            if not f.primary_key or f.attname in varying or f.name in varying
        ]
        self.columns = [f.column for f in fields]
        by_name = {f.attname: i for i, f in enumerate(fields)} | {
            f.name: i for i, f in enumerate(fields)
        }
        self.template = []
        for field in fields:
            if field.attname in varying or field.name in varying:
                self.template.append(None)
            else:
                default = field.get_default() if field.has_default() else None
                if default is None and not field.null:
                    default = "" if field.get_internal_type() in _TEXT else 0
                self.template.append(field.get_db_prep_save(default, connection))
        self.positions = [by_name[name] for name in varying]
        self.pending: list[list] = []

    def add(self, *values) -> None:
        row = self.template.copy()
        for position, value in zip(self.positions, values, strict=True):
            row[position] = value
        self.pending.append(row)
        if self.auto_flush and len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.pending:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - model names
                    self.pending,
                )
        self.pending = []


_TEXT = {"CharField", "TextField", "SlugField", "URLField", "EmailField", "FileField", "ImageField"}


def next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(*models) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our names
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def showcase_body() -> str:
    """~1,800 words of real prose from the demo stories (the issue's reference page)."""
    parts, words = [], 0
    for path in sorted(DEMO_STORIES.glob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[2].strip()
        parts.append(body)
        words += len(body.split())
        if words >= 1800:
            break
    return "\n\n".join(parts)


class Command(BaseCommand):
    help = "Generate benchmark data (stories, comments, readers) in bulk, into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--stories", type=int, default=10_000)
        parser.add_argument("--comments", type=int, default=None, help="Default: 5 per story.")
        parser.add_argument("--seed", type=int, default=8)
        parser.add_argument(
            "--info",
            action="store_true",
            help="Print, as JSON, a new session key for bench_reader and the benchmark's URLs.",
        )

    def handle(self, *args, stories, comments, seed, info, **options):
        if info:
            self.stdout.write(json.dumps(self.info()))
            return
        if stories < 1:
            raise CommandError("--stories must be at least 1.")
        comments = stories * 5 if comments is None else comments
        if User.objects.exclude(username__startswith=PREFIX).exists():
            raise CommandError(
                "This database has accounts bench-data did not create: it only writes into a "
                "database of its own. Point BYLINE_DATA_DIR (or DATABASE_URL) at an empty one."
            )
        have = Story.objects.count()
        if have >= stories:
            # Data from before the accounts were backdated: make them established (see below).
            User.objects.filter(date_joined__gt=timezone.now() - ESTABLISHED).update(
                date_joined=timezone.now() - ESTABLISHED
            )
            self.stdout.write(f"{have} stories already there; nothing added.")
            return
        started = time.monotonic()
        rng = random.Random(seed)
        with transaction.atomic():
            authors, readers, communities, tags = self.people_and_places(rng, stories)
            showcase = self.showcase(authors, readers, communities, tags)
        self.stories_and_comments(
            rng, stories - have - 1 if have == 0 else stories - have, comments, authors,
            readers, communities, tags, showcase,
        )  # fmt: skip
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.refresh_derived()
        self.rollups(rng)
        self.stdout.write(
            f"{Story.objects.count():,} stories, {Comment.objects.count():,} comments "
            f"in {time.monotonic() - started:.0f} s."
        )

    def info(self) -> dict:
        story = Story.objects.select_related("community").get(
            author__username=SHOWCASE_HANDLE, slug=SHOWCASE_SLUG
        )
        creator = User.objects.get(username=STATS_CREATOR)
        return {
            "session": self.session_key(),
            "creator_session": self.session_key(STATS_CREATOR),
            "creator_story": Story.objects.filter(author=creator, published_at__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first(),
            "showcase_reads": StoryDay.objects.filter(story=story).aggregate(n=Sum("reads"))["n"]
            or 0,
            "story": story.get_absolute_url(),
            "story_id": story.pk,
            "community": story.community.get_absolute_url(),
            "tag": story.tags.order_by("pk").first().get_absolute_url(),
            "stories": Story.objects.count(),
            "comments": Comment.objects.count(),
        }

    def session_key(self, handle: str = READER_HANDLE) -> str:
        engine = import_string(settings.SESSION_ENGINE + ".SessionStore")
        reader = User.objects.get(username=handle)
        store: SessionBase = engine()
        store["_auth_user_id"] = str(reader.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = reader.get_session_auth_hash()
        store.create()
        return store.session_key

    def people_and_places(self, rng, stories):
        n_authors = max(20, min(stories // 20, 50_000))
        n_readers = max(100, min(stories // 10, 100_000))
        now = timezone.now()
        # Established accounts: the benchmark's writers are random readers, and the new-account
        # comment throttle would answer most of their writes with an error instead of writing.
        joined = now - ESTABLISHED
        if not User.objects.filter(username=READER_HANDLE).exists():
            users = [
                User(
                    username=f"{PREFIX}author_{i}",
                    email=f"author{i}@bench.invalid",
                    display_name=f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()}",
                    bio=sentence(rng, 18),
                    date_joined=joined,
                    password="!",
                )
                for i in range(n_authors)
            ] + [
                User(
                    username=f"{PREFIX}reader_{i}",
                    email=f"reader{i}@bench.invalid",
                    display_name=f"Reader {i}",
                    date_joined=joined,
                    password="!",
                )
                for i in range(n_readers)
            ]
            User.objects.bulk_create(users, batch_size=5000)
            reader = User(
                username=READER_HANDLE,
                email="reader@bench.invalid",
                display_name="Bench Reader",
                date_joined=joined,
            )
            reader.set_password("bench reader password")
            reader.save()
            Community.objects.bulk_create(
                [
                    Community(name=n, slug=n.lower(), description=sentence(rng, 12))
                    for n in COMMUNITIES
                ],
                ignore_conflicts=True,
            )
            Tag.objects.bulk_create(
                [
                    Tag(name=f"{a} {b}".title(), slug=f"{a}-{b}")
                    for a in WORDS[:20]
                    for b in WORDS[20:30]
                ],
                ignore_conflicts=True,
            )
        authors = list(
            User.objects.filter(username__startswith=f"{PREFIX}author_").values_list(
                "pk", flat=True
            )
        )
        readers = list(
            User.objects.filter(username__startswith=f"{PREFIX}reader_").values_list(
                "pk", flat=True
            )
        )
        communities = list(Community.objects.values_list("pk", flat=True))
        tags = list(Tag.objects.values_list("pk", flat=True))
        return authors, readers, communities, tags

    def showcase(self, authors, readers, communities, tags) -> Story:
        story = Story.objects.filter(author__username=SHOWCASE_HANDLE, slug=SHOWCASE_SLUG).first()
        if story:
            return story
        author = User.objects.create(
            username=SHOWCASE_HANDLE,
            email="showcase@bench.invalid",
            display_name="Vivian Showcase",
            bio="Writes long pieces about slow journeys.",
            website="https://example.org/",
            password="!",
        )
        story = Story(
            author=author, community_id=communities[0], title="The Benchmark Story",
            subtitle="Eighteen hundred words, the size of the page the benchmark measures",
            slug=SHOWCASE_SLUG, body=showcase_body(), status=Story.Status.PUBLISHED,
            published_at=timezone.now() - dt.timedelta(days=2),
        )  # fmt: skip
        story_render(story=story)
        story.save()
        story.tags.set(tags[:3])
        for i, reader_id in enumerate(readers[:40]):
            text = f"Comment {i}: loved the part about the river."
            Comment.objects.create(
                story=story, author_id=reader_id, body=text, body_html=render_comment(text)
            )
        Rating.objects.bulk_create(
            [Rating(story=story, reader_id=r, value="outstanding") for r in readers[:30]]
        )
        Insight.objects.bulk_create(
            [Insight(story=story, reader_id=r, kind="eye_opening") for r in readers[:25]]
        )
        Story.objects.filter(pk=story.pk).update(comment_count=40, insight_count=25)
        return story

    def stories_and_comments(
        self, rng, n, n_comments, authors, readers, communities, tags, showcase
    ) -> None:
        if n <= 0:
            return
        bodies = []
        for i in range(40):
            paragraphs = [sentence(rng, rng.randint(25, 60)) for _ in range(rng.randint(3, 6))]
            body = f"## {sentence(rng, 4)}\n\n" + "\n\n".join(paragraphs) + f"\n\nPart {i}."
            html = render_markdown(body)
            text = plain_text(html)
            bodies.append((body, html, text, excerpt(text), len(body.split())))
        texts = [sentence(rng, rng.randint(6, 40)) for _ in range(40)]
        comment_bodies = [(text, render_comment(text)) for text in texts]
        first_story = next_id(Story)
        story_ids = range(first_story, first_story + n)
        # Decide the comments first so that each story's comment_count matches its rows.
        # Sorted by story: rows then arrive in the order of the (story, created_at) index, which
        # keeps index inserts sequential instead of random (several times faster on SQLite).
        comment_story = array("q", sorted(rng.choice(story_ids) for _ in range(n_comments)))
        per_story = Counter(comment_story)
        now = timezone.now()
        span = 3 * 365 * 86400
        ops = connection.ops
        story_writer = TableWriter(
            Story,
            ["id", "author_id", "community_id", "title", "subtitle", "slug", "body", "body_html",
             "body_text", "excerpt", "status", "created_at", "updated_at", "published_at",
             "word_count", "reading_minutes", "comment_count", "view_count", "like_count",
             "trending_score", "comments_enabled"],
            auto_flush=False,
        )  # fmt: skip
        tag_writer = TableWriter(Story.tags.through, ["story_id", "tag_id"], auto_flush=False)
        step = span / n
        for offset, story_id in enumerate(story_ids):
            body, html, text, opening, words = bodies[story_id % len(bodies)]
            published = now - dt.timedelta(seconds=span - offset * step + 3600)
            moment = ops.adapt_datetimefield_value(published)
            title = sentence(rng, rng.randint(3, 8))[:-1]
            comments = per_story.get(story_id, 0)
            views = rng.randint(0, 5000)
            story_writer.add(
                story_id, rng.choice(authors), rng.choice(communities) if offset % 4 else None,
                title, sentence(rng, 12), f"s{story_id}", body, html, text, opening,
                Story.Status.PUBLISHED if offset % 100 else Story.Status.DRAFT,
                moment, moment, moment, words, max(1, round(words / 265)), comments, views,
                rng.randint(0, 200), views / (1 + (n - offset) / 1000), True,
            )  # fmt: skip
            for tag_id in rng.sample(tags, rng.randint(1, 3)):
                tag_writer.add(story_id, tag_id)
            if len(story_writer.pending) >= BATCH:  # stories before the tag rows that refer to them
                with transaction.atomic():
                    story_writer.flush()
                    tag_writer.flush()
        with transaction.atomic():
            story_writer.flush()
            tag_writer.flush()
        reset_sequences(Story, Story.tags.through)
        self.stdout.write(f"  {n:,} stories written")
        comment_writer = TableWriter(
            Comment, ["id", "story_id", "author_id", "body", "body_html", "created_at"]
        )
        first_comment = next_id(Comment)
        with transaction.atomic():
            for i, story_id in enumerate(comment_story):
                text, html = comment_bodies[i % len(comment_bodies)]
                moment = now - dt.timedelta(seconds=rng.randint(60, span))
                comment_writer.add(
                    first_comment + i, story_id, rng.choice(readers), text, html,
                    ops.adapt_datetimefield_value(moment),
                )  # fmt: skip
            comment_writer.flush()
        reset_sequences(Comment)
        self.stdout.write(f"  {n_comments:,} comments written")

    def rollups(self, rng) -> None:
        """100 days of daily stats for one creator's stories (the dashboard the benchmark
        measures) and for up to 1,000 other stories, so the tables are not only theirs."""
        if StoryDay.objects.exists():
            return
        today = timezone.localdate()
        mine = list(
            Story.objects.filter(author__username=STATS_CREATOR).values_list("pk", flat=True)
        )
        others = list(
            Story.objects.exclude(author__username=STATS_CREATOR)
            .order_by("?")
            .values_list("pk", flat=True)[:1000]
        )
        days = [today - dt.timedelta(days=n) for n in range(ROLLUP_DAYS)]
        theirs = set(mine)
        rows, sources = [], []
        for story_id in mine + others:
            for day in days:
                views = rng.randint(0, 60)
                rows.append(StoryDay(story_id=story_id, day=day, views=views, reads=views // 3))
                if story_id in theirs:
                    for host in ("google.com", "t.co", ""):
                        sources.append(
                            StorySource(story_id=story_id, day=day, host=host, loads=views // 3)
                        )
        StoryDay.objects.bulk_create(rows, batch_size=5000)
        StorySource.objects.bulk_create(sources, batch_size=5000)
        self.stdout.write(f"  {len(rows):,} daily stats rows, {len(sources):,} source rows")

    def refresh_derived(self) -> None:
        """Search index and trending, if the apps that own them provide commands."""
        available = get_commands()
        for name in ("reindex", "trending"):
            if name in available:
                call_command(name)
            else:
                self.stdout.write(f"  note: no `byline {name}` command here; skipped.")
