"""Full-text search behind one small interface, chosen by database vendor.

    backend = get_backend()
    backend.sync(story_ids=[...])          # (re)index these stories; unpublished ones drop out
    backend.rebuild()                      # whole index, set-based SQL (fast at 1M stories)
    page = backend.search(query, filters=SearchFilters(...), cursor=None, size=12)

SQLite: an FTS5 table (external content over search_searchdocument, porter stemming, bm25
with column weights). PostgreSQL: a generated weighted tsvector column with a GIN index,
`websearch_to_tsquery` and `ts_rank`. Both rank title > subtitle > tags > body, both return
highlighted, HTML-escaped snippets, and both accept any input without an error: the SQLite query
is rebuilt from the words of the input (each one quoted), and websearch_to_tsquery never raises.
The API branch exposes search through `get_backend().search`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from byline.core.pagination import decode_number_cursor, encode_number_cursor
from byline.search.models import SearchDocument
from byline.stories.models import Story, Tag

QUERY_MAX_LENGTH = 200
# Markers that cannot come from the query or survive clean_query: the snippet functions wrap
# matches in them, and `highlight_html` turns them into <mark> after escaping everything else.
START, STOP = "\x02", "\x03"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_query(raw: str | None) -> str:
    """The query as searched: control characters removed, spaces collapsed, at most 200 chars."""
    text = _CONTROL.sub(" ", raw or "")
    return " ".join(text.split())[:QUERY_MAX_LENGTH].strip()


_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_LINK_TAIL = re.compile(r"\]\([^)\s]*\)?")  # a link cut in half by a fragment
_MARKDOWN_MARKS = re.compile(r"(^|\s)(#{1,6}|>|[-*+]|\d+\.)\s|[*_`~]+")


def highlight_html(raw: str | None) -> SafeString:
    """Escape a snippet (Markdown source) for HTML and wrap the matches in <mark>."""
    text = _MARKDOWN_IMAGE.sub("", raw or "")
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = _MARKDOWN_LINK_TAIL.sub("", text)
    text = _MARKDOWN_MARKS.sub(lambda m: m.group(1) or "", text)
    text = " ".join(text.split())
    html = str(escape(text))
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
                   s.body
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
    def search(
        self,
        query: str,
        *,
        filters: SearchFilters | None = None,
        cursor: str | None = None,
        size: int = 12,
    ) -> SearchPage:
        """Published stories matching `query`, best first, keyset-paginated on (rank, id)."""
        query = clean_query(query)
        match = self.match_expression(query)
        if not match:
            return SearchPage()
        where, params = self._filters_sql(filters or SearchFilters())
        position = decode_number_cursor(cursor)
        rows = self._search_rows(match, where, params, position, size + 1)
        hits = [
            SearchHit(
                story_id=row[0],
                score=float(row[1]),
                title_html=highlight_html(row[2]),
                subtitle_html=highlight_html(row[3]),
                snippet_html=highlight_html(row[4]),
            )
            for row in rows
        ]
        next_cursor = None
        if len(hits) > size:
            hits = hits[:size]
            next_cursor = encode_number_cursor(hits[-1].score, hits[-1].story_id)
        stories = Story.objects.for_cards().in_bulk([hit.story_id for hit in hits])
        for hit in hits:
            hit.story = stories.get(hit.story_id)
        return SearchPage(hits=[hit for hit in hits if hit.story], next_cursor=next_cursor)

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

    def _search_rows(self, match, where, params, position, limit) -> list[tuple]:
        raise NotImplementedError


_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+")


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"
    tag_aggregate = "group_concat(t.name, ' ')"
    # bm25 alone lets a short body outweigh a title when a word is common (its IDF is then
    # clamped to almost nothing), so the rank is tiered: which columns match (title 8,
    # subtitle 4, tags 2; `highlight` marks a column only when it matches) decides first, and
    # bm25 (column weights 10/5/2.5/1, squashed into [0, 1)) orders stories within a tier.
    _bm25 = "(-bm25(search_fts, 10.0, 5.0, 2.5, 1.0))"
    rank = (
        "(CASE WHEN instr(highlight(search_fts, 0, char(2), char(3)), char(2)) THEN 8 ELSE 0 END"
        " + CASE WHEN instr(highlight(search_fts, 1, char(2), char(3)), char(2)) THEN 4 ELSE 0 END"
        " + CASE WHEN instr(highlight(search_fts, 2, char(2), char(3)), char(2)) THEN 2 ELSE 0 END"
        f" + {_bm25} / (1.0 + {_bm25}))"
    )

    def match_expression(self, query: str) -> str:
        """An FTS5 query built from the words of `query`, each quoted: FTS5 syntax in the input
        (NEAR, *, ^, :, column filters, unbalanced quotes) is never interpreted. Kept, as in
        websearch_to_tsquery: "quoted phrases", -exclusions and `or`."""
        positive: list[str] = []
        negative: list[str] = []
        pending_or = False
        for minus, phrase, minus2, word in _TERM.findall(query):
            text = phrase if phrase else word
            if not phrase and word.lower() == "or" and not minus2:
                pending_or = bool(positive)
                continue
            words = _WORD.findall(text)
            if not words:
                continue
            term = '"' + " ".join(words) + '"'
            if minus or minus2:
                negative.append(term)
            elif pending_or:
                positive[-1] = f"{positive[-1]} OR {term}"
                pending_or = False
            else:
                positive.append(term)
        if not positive:
            return ""
        expression = " AND ".join(f"({term})" for term in positive)
        for term in negative:
            expression = f"({expression}) NOT {term}"
        return expression

    def _search_rows(self, match, where, params, position, limit):
        story = Story._meta.db_table
        keyset, keyset_params = "", []
        if position is not None:
            keyset = f" AND ({self.rank} < %s OR ({self.rank} = %s AND s.id < %s))"
            keyset_params = [position[0], position[0], position[1]]
        sql = f"""
            SELECT s.id, {self.rank} AS score,
                   highlight(search_fts, 0, char(2), char(3)),
                   highlight(search_fts, 1, char(2), char(3)),
                   snippet(search_fts, 3, char(2), char(3), '…', 24)
            FROM search_fts JOIN {story} s ON s.id = search_fts.rowid
            WHERE search_fts MATCH %s AND {where}{keyset}
            ORDER BY score DESC, s.id DESC
            LIMIT %s
        """  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, *params, *keyset_params, limit])
            return cursor.fetchall()

    def rebuild(self) -> int:
        document = SearchDocument._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            # Without the triggers, then one FTS5 'rebuild': far faster than row by row.
            for name in ("search_fts_ai", "search_fts_ad", "search_fts_au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DELETE FROM {document}")  # noqa: S608
            cursor.execute(*self._fill_sql(None))
            # A bigger page cache and no incremental merging while building: measured twice
            # as fast at 100,000 stories; settings go back to FTS5's defaults afterwards.
            cursor.execute("PRAGMA cache_size=-262144")
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 0)")
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('crisismerge', 64)")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 4)")
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('crisismerge', 16)")
            cursor.execute("PRAGMA cache_size=-32000")
            for statement in SQLITE_TRIGGERS:
                cursor.execute(statement)
        return SearchDocument.objects.count()


# The same triggers as migration 0001 (kept here so `rebuild` can put them back).
SQLITE_TRIGGERS = [
    """CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title, subtitle, tags, body)
        VALUES (new.story_id, new.title, new.subtitle, new.tags, new.body);
    END""",
    """CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, subtitle, tags, body)
        VALUES ('delete', old.story_id, old.title, old.subtitle, old.tags, old.body);
    END""",
    """CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, subtitle, tags, body)
        VALUES ('delete', old.story_id, old.title, old.subtitle, old.tags, old.body);
        INSERT INTO search_fts(rowid, title, subtitle, tags, body)
        VALUES (new.story_id, new.title, new.subtitle, new.tags, new.body);
    END""",
]


class PostgresBackend(SearchBackend):
    vendor = "postgresql"
    tag_aggregate = "string_agg(t.name, ' ')"
    rank = "ts_rank(d.vector, q.query)::float8"
    headline_title = f"HighlightAll=true, StartSel={START}, StopSel={STOP}"
    headline_body = (
        f"MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=…, "
        f"StartSel={START}, StopSel={STOP}"
    )

    def match_expression(self, query: str) -> str:
        # websearch_to_tsquery accepts any text; an empty result simply matches nothing.
        return query if _WORD.search(query) else ""

    def _search_rows(self, match, where, params, position, limit):
        story, document = Story._meta.db_table, SearchDocument._meta.db_table
        keyset, keyset_params = "", []
        if position is not None:
            keyset = f" AND ({self.rank} < %s OR ({self.rank} = %s AND s.id < %s))"
            keyset_params = [position[0], position[0], position[1]]
        # Rank and page first, then make headlines for the page's rows only (ts_headline is
        # the expensive part).
        sql = f"""
            SELECT hit.id, hit.score,
                   ts_headline('english', d.title, hit.query, %s),
                   ts_headline('english', d.subtitle, hit.query, %s),
                   ts_headline('english', d.body, hit.query, %s)
            FROM (
                SELECT s.id, {self.rank} AS score, q.query
                FROM {document} d
                JOIN {story} s ON s.id = d.story_id
                CROSS JOIN websearch_to_tsquery('english', %s) AS q(query)
                WHERE d.vector @@ q.query AND {where}{keyset}
                ORDER BY score DESC, s.id DESC
                LIMIT %s
            ) hit JOIN {document} d ON d.story_id = hit.id
            ORDER BY hit.score DESC, hit.id DESC
        """  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    self.headline_title,
                    self.headline_title,
                    self.headline_body,
                    match,
                    *params,
                    *keyset_params,
                    limit,
                ],
            )
            return cursor.fetchall()

    def rebuild(self) -> int:
        document = SearchDocument._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            # Build the GIN index once over all rows instead of row by row.
            cursor.execute("DROP INDEX IF EXISTS search_document_vector_gin")
            # TRUNCATE refuses to run while deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {document}")
            cursor.execute(*self._fill_sql(None))
            # GIN builds are bound by maintenance_work_mem (64 MB by default).
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute(
                f"CREATE INDEX search_document_vector_gin ON {document} USING gin (vector)"
            )
            # Fresh statistics for both sides of the join: with stale ones (typical right after
            # a bulk load) the planner walks every published story instead of the GIN index.
            cursor.execute(f"ANALYZE {document}")
            cursor.execute(f"ANALYZE {Story._meta.db_table}")
        return SearchDocument.objects.count()


_BACKENDS = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}


def get_backend() -> SearchBackend:
    """The back-end for the default database (raises for a vendor we do not support)."""
    try:
        return _BACKENDS[connection.vendor]()
    except KeyError:
        raise NotImplementedError(f"No search back-end for {connection.vendor}.") from None
