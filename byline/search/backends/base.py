"""What every search back-end shares: cleaning and highlighting a query, the filters and the
page of hits, and the interface with the SQL both vendors build alike (indexing, paging)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from byline.accounts.models import User
from byline.core.pagination import decode_number_cursor, encode_number_cursor
from byline.search.models import SearchDocument
from byline.stories.models import Story, Tag

QUERY_MAX_LENGTH = 200
PEOPLE_CANDIDATES = 50
# Markers that cannot come from the query or survive clean_query: the snippet functions wrap
# matches in them, and `highlight_html` turns them into <mark> after escaping everything else.
START, STOP = "\x02", "\x03"
# A word of the query, as both back-ends count them.
WORD = re.compile(r"\w+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_query(raw: str | None) -> str:
    """The query as searched: control characters removed, spaces collapsed, at most 200 chars."""
    text = _CONTROL.sub(" ", raw or "")
    return " ".join(text.split())[:QUERY_MAX_LENGTH].strip()


def highlight_html(raw: str | None) -> SafeString:
    """Escape a highlighted piece of plain text (a title, a subtitle, a snippet of the story's
    text: never markup) for HTML and turn the match markers into <mark>: the only markup in
    the result is the <mark> put around already escaped text."""
    html = str(escape(" ".join((raw or "").split())))
    # Balance the markers first, so a stray one can never leave an unclosed <mark>.
    html = re.sub(f"{START}([^{START}{STOP}]*){STOP}", r"<mark>\1</mark>", html)
    return mark_safe(html.replace(START, "").replace(STOP, ""))  # noqa: S308 (escaped above)


@dataclass(frozen=True)
class SearchFilters:
    community_id: int | None = None
    tag_id: int | None = None
    author_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@dataclass
class SearchHit:
    story_id: int
    score: float
    title_html: SafeString
    subtitle_html: SafeString
    snippet_html: SafeString
    story: Story | None = None


@dataclass
class SearchPage:
    hits: list[SearchHit] = field(default_factory=list)
    next_cursor: str | None = None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def _in_clause(column: str, ids: list[int]) -> tuple[str, list[int]]:
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


class SearchBackend:
    """What every back-end does; subclasses supply the vendor SQL."""

    vendor = ""
    tag_aggregate = ""

    # --- Indexing -----------------------------------------------------------------------------
    def _fill_sql(self, ids: list[int] | None) -> tuple[str, list]:
        story, tag = Story._meta.db_table, Tag._meta.db_table
        through = Story.tags.through._meta.db_table
        where, params = "s.status = %s", [Story.Status.PUBLISHED]
        if ids is not None:
            clause, id_params = _in_clause("s.id", ids)
            where, params = f"{where} AND {clause}", params + id_params
        sql = f"""
            INSERT INTO {SearchDocument._meta.db_table} (story_id, title, subtitle, tags, body)
            SELECT s.id, s.title, s.subtitle,
                   COALESCE((SELECT {self.tag_aggregate} FROM {tag} t
                             JOIN {through} st ON st.tag_id = t.id
                             WHERE st.story_id = s.id), ''),
                   s.body_text
            FROM {story} s WHERE {where}
        """  # noqa: S608 (table names from our models, values are parameters)
        return sql, params

    def sync(self, *, story_ids: Iterable[int]) -> None:
        """Bring these stories' index rows up to date: published ones in, others out."""
        ids = sorted({int(pk) for pk in story_ids})
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            with transaction.atomic():
                SearchDocument.objects.filter(story_id__in=chunk).delete()
                with connection.cursor() as cursor:
                    cursor.execute(*self._fill_sql(chunk))

    def rebuild(self) -> int:
        """Rebuild the whole index with set-based SQL; returns the number of stories indexed."""
        raise NotImplementedError

    # --- Searching ----------------------------------------------------------------------------
    # The rank is a tier: where the whole query matches. Title 3, else subtitle 2, else tags 1,
    # else 0 (the words are spread over the columns or only in the body). Within a tier the
    # newest story comes first. Each tier is one walk of the index in story-id order that stops
    # after a page, so a page costs the same at 10,000 or 1,000,000 stories; a relevance score
    # (bm25, ts_rank) needs every match of every word, and a common word matches most of a big
    # site (0.6 s at 100,000 stories, measured, and ten times that at a million).
    TIERS = (3, 2, 1, 0)

    def search(
        self,
        query: str,
        *,
        filters: SearchFilters | None = None,
        cursor: str | None = None,
        size: int = 12,
    ) -> SearchPage:
        """Published stories matching `query`, best tier first, newest first within a tier,
        keyset-paginated on (tier, id)."""
        query = clean_query(query)
        match = self.match_expression(query)
        if not match:
            return SearchPage()
        where, params = self._filters_sql(filters or SearchFilters())
        position = decode_number_cursor(cursor)
        ranked = self._ranked_sql(match, where, params, position, size + 1)
        if ranked is None:
            return SearchPage()
        with connection.cursor() as db:
            db.execute(*self._with_highlights(*ranked, match))
            rows = db.fetchall()
        next_cursor = None
        if len(rows) > size:
            rows = rows[:size]
            next_cursor = encode_number_cursor(rows[-1][1], rows[-1][0])
        stories = Story.objects.for_cards().in_bulk([row[0] for row in rows])
        hits = []
        for story_id, tier, title, subtitle, snippet in rows:
            hits.append(
                SearchHit(
                    story_id=story_id,
                    score=float(tier),
                    title_html=highlight_html(title),
                    subtitle_html=highlight_html(subtitle),
                    snippet_html=highlight_html(snippet),
                    story=stories.get(story_id),
                )
            )
        return SearchPage(hits=[hit for hit in hits if hit.story], next_cursor=next_cursor)

    # --- People ---------------------------------------------------------------------------------
    def people(self, query: str, *, limit: int) -> list[User]:
        """Active accounts whose handle or display name contains `query` (three characters at
        least: the trigram indexes need them), an exact handle first, then handles starting
        with it, then by handle. Ranked among the first PEOPLE_CANDIDATES matches, so the cost
        does not grow with the number of accounts."""
        text = clean_query(query).lstrip("@").strip()
        if len(text) < 3:
            return []
        ids = self._people_ids(text, PEOPLE_CANDIDATES)
        users = User.objects.in_bulk(ids)
        wanted = text.lower()

        def rank(user) -> tuple:
            handle = user.username.lower()
            return (handle != wanted, not handle.startswith(wanted), handle)

        return sorted((users[pk] for pk in ids if pk in users), key=rank)[:limit]

    def _people_ids(self, text: str, limit: int) -> list[int]:
        matches = Q(username__icontains=text) | Q(display_name__icontains=text)
        return list(
            User.objects.filter(matches, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )

    def _filters_sql(self, filters: SearchFilters) -> tuple[str, list]:
        adapt = connection.ops.adapt_datetimefield_value
        clauses = ["s.status = %s", "s.published_at <= %s"]
        params: list = [Story.Status.PUBLISHED, adapt(timezone.now())]
        if filters.community_id is not None:
            clauses.append("s.community_id = %s")
            params.append(filters.community_id)
        if filters.author_id is not None:
            clauses.append("s.author_id = %s")
            params.append(filters.author_id)
        if filters.since is not None:
            clauses.append("s.published_at >= %s")
            params.append(adapt(filters.since))
        if filters.until is not None:
            clauses.append("s.published_at < %s")
            params.append(adapt(filters.until))
        if filters.tag_id is not None:
            through = Story.tags.through._meta.db_table
            clauses.append(
                f"EXISTS (SELECT 1 FROM {through} st WHERE st.story_id = s.id AND st.tag_id = %s)"  # noqa: S608
            )
            params.append(filters.tag_id)
        return " AND ".join(clauses), params

    def match_expression(self, query: str) -> str:
        raise NotImplementedError

    def _ranked_sql(self, match, where, params, position, limit) -> tuple[str, list] | None:
        """SQL for (id, score): the next `limit` hits after `position`, best first. One index
        walk per tier (see _tier_sql), merged. None when nothing can follow `position`."""
        parts, part_params = [], []
        for tier in self.TIERS:
            keyset, keyset_params = "", []
            if position is not None:
                if tier > position[0]:
                    continue  # pages before this one showed all of that tier
                if tier == position[0]:
                    keyset, keyset_params = " AND s.id < %s", [position[1]]
            sql, tier_params = self._tier_sql(
                tier, match, where + keyset, [*params, *keyset_params], limit
            )
            parts.append(f"SELECT * FROM ({sql}) AS tier{tier}")  # noqa: S608
            part_params += tier_params
        if not parts:
            return None
        return " UNION ALL ".join(parts) + " ORDER BY 2 DESC, 1 DESC LIMIT %s", [
            *part_params,
            limit,
        ]

    def _tier_sql(self, tier: int, match: str, where: str, params: list, limit: int):
        """SQL for the ids (as `id`, with the tier as `score`) of the newest `limit` stories
        whose best match is `tier`, among the stories `where` keeps (alias `s`)."""
        raise NotImplementedError

    def _with_highlights(self, sql: str, params: list, match: str) -> tuple[str, list]:
        """The ranked page `sql` with each hit's title, subtitle and a body snippet, matches
        between START and STOP: (id, score, title, subtitle, snippet), best first."""
        raise NotImplementedError
