"""Full-text search behind one small interface, chosen by database vendor.

    backend = get_backend()
    backend.sync(story_ids=[...])          # (re)index these stories; unpublished ones drop out
    backend.rebuild()                      # whole index, set-based SQL (fast at 1M stories)
    page = backend.search(query, filters=SearchFilters(...), cursor=None, size=12)

SQLite: an FTS5 table (external content over search_searchdocument, porter stemming) and its
column filters. PostgreSQL: a generated weighted tsvector column with a GIN index, GIN
expression indexes on the title, subtitle and tags, and `websearch_to_tsquery`. Both rank by
where the query matches (title > subtitle > tags > body), newest first within each, in time
independent of the number of matches (see SearchBackend.search); both return highlighted,
HTML-escaped snippets, and both accept any input without an error: the SQLite query is rebuilt
from the words of the input (each one quoted), and websearch_to_tsquery never raises.
The API exposes search through `get_backend().search`.
"""

from __future__ import annotations

import datetime as dt
import re
import time
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


_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+")


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"
    tag_aggregate = "group_concat(t.name, ' ')"

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

    def _tier_sql(self, tier, match, where, params, limit):
        # FTS5 column filters partition the matches: tier 3 "the query in the title", tier 2
        # "in the subtitle and not the title", and so on; FTS5 walks them in rowid order and
        # stops at the LIMIT. The covering index answers `where` without reading story rows.
        whole = f"({match})"
        scoped = [f"(title : {whole})", f"(subtitle : {whole})", f"(tags : {whole})"]
        better = scoped[: 3 - tier]
        expression = whole if tier == 0 else f"{whole} AND {scoped[3 - tier]}"
        if better:
            expression = f"{expression} NOT ({' OR '.join(better)})"
        story = Story._meta.db_table
        sql = f"""
            SELECT f.rowid AS id, {int(tier)} AS score
            FROM search_fts f JOIN {story} s INDEXED BY story_search_idx ON s.id = f.rowid
            WHERE f.search_fts MATCH %s AND {where}
            ORDER BY f.rowid DESC LIMIT %s
        """  # noqa: S608
        return sql, [expression, *params, limit]

    def _people_ids(self, text, limit):
        # The trigram FTS5 table (search migration 0002) answers the substring match.
        phrase = '"' + text.replace('"', '""') + '"'
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT u.id FROM search_people p JOIN {User._meta.db_table} u ON u.id = p.rowid
                   WHERE search_people MATCH %s AND u.is_active ORDER BY p.rowid LIMIT %s""",  # noqa: S608
                [phrase, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def _with_highlights(self, sql, params, match):
        # CROSS JOIN keeps the page as the outer loop: FTS5 then looks up one row per hit
        # (MATCH plus rowid =) instead of walking every match of the query.
        return (
            f"""SELECT page.id, page.score,
                       highlight(search_fts, 0, char(2), char(3)),
                       highlight(search_fts, 1, char(2), char(3)),
                       snippet(search_fts, 3, char(2), char(3), '…', 24)
                FROM ({sql}) AS page CROSS JOIN search_fts ON search_fts.rowid = page.id
                WHERE search_fts MATCH %s
                ORDER BY page.score DESC, page.id DESC""",  # noqa: S608
            [*params, match],
        )

    def rebuild(self) -> int:
        document = SearchDocument._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            # Without the triggers, then one FTS5 'rebuild': far faster than row by row.
            for name in ("search_fts_ai", "search_fts_ad", "search_fts_au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DELETE FROM {document}")  # noqa: S608
            cursor.execute(*self._fill_sql(None))
            # A bigger page cache and no incremental merging while building: measured twice
            # as fast at 100,000 stories; settings go back to what they were afterwards.
            cursor.execute("PRAGMA cache_size")
            cache_size = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA cache_size=-262144")
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 0)")
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('crisismerge', 64)")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 4)")
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('crisismerge', 16)")
            cursor.execute(f"PRAGMA cache_size={cache_size}")
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


# Two ways to a page of the newest matches: walk the newest documents, testing each (about
# page / share rows), or fetch every match from a GIN index and sort (share x documents rows).
# Walk when share^2 x documents >= WALK_FROM (the walk then reads far fewer rows).
WALK_FROM = 50
_STATS_SECONDS = 600
_stats: dict = {"at": None, "shares": {}, "documents": 0.0}
# The planner's own statistics, per indexed column: the share of documents holding each common
# lexeme (pg_stats.most_common_elems of the vector and of the three expression indexes), and
# the number of documents; read along with a query's tsquery at most every ten minutes.
_STATS_COLUMNS = {
    0: ("search_searchdocument", "vector"),
    3: ("search_title_gin", "to_tsvector"),
    2: ("search_subtitle_gin", "to_tsvector"),
    1: ("search_tags_gin", "to_tsvector"),
}
_STATS_SQL = ", ".join(
    [
        f"(SELECT {field} FROM pg_stats WHERE tablename = '{table}' AND attname = '{column}')"  # noqa: S608 (constants)
        for table, column in _STATS_COLUMNS.values()
        for field in ("most_common_elems::text::text[]", "most_common_elem_freqs")
    ]
    + ["(SELECT reltuples FROM pg_class WHERE relname = 'search_searchdocument')"]
)


def _stats_stale() -> bool:
    return _stats["at"] is None or time.monotonic() - _stats["at"] > _STATS_SECONDS


def _remember_stats(*values) -> None:
    *arrays, documents = values
    shares = {}
    for n, key in enumerate(_STATS_COLUMNS):
        words, freqs = arrays[2 * n] or [], arrays[2 * n + 1] or []
        shares[key] = dict(zip(words, freqs, strict=False))
    _stats.update(at=time.monotonic(), shares=shares, documents=max(float(documents or 0), 0.0))


def _dense(tsquery: str, column: int) -> bool:
    """Whether walking the newest documents finds a page of `tsquery` matches in `column` (0:
    whole documents, 3/2/1: title/subtitle/tags) sooner than a GIN index would list them all.
    The share is that of the rarest positive word (the commonest with an OR), times what each
    excluded word leaves; a word outside the statistics counts as rare."""
    shares = _stats["shares"].get(column, {})
    found, excluded = [], 1.0
    for negated, word in re.findall(r"(!?)'((?:[^']|'')*)'", tsquery):
        share = shares.get(word.replace("''", "'"), 0.0)
        if negated:
            excluded *= 1.0 - share
        else:
            found.append(share)
    if not found:
        return False
    share = (max(found) if "|" in tsquery else min(found)) * excluded
    return share * share * _stats["documents"] >= WALK_FROM


class PostgresBackend(SearchBackend):
    vendor = "postgresql"
    tag_aggregate = "string_agg(t.name, ' ')"
    headline_title = f"HighlightAll=true, StartSel={START}, StopSel={STOP}"
    headline_body = (
        f"MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=…, "
        f"StartSel={START}, StopSel={STOP}"
    )

    def match_expression(self, query: str) -> str:
        # websearch_to_tsquery accepts any text; an empty result simply matches nothing.
        return query if _WORD.search(query) else ""

    # Where a query matches, column by column: each expression has its own GIN index and
    # statistics (search migration 0003), so the planner finds an empty or rare tier through
    # the index instead of walking every document to learn that nothing is there.
    COLUMNS = {
        3: "to_tsvector('english'::regconfig, d.title)",
        2: "to_tsvector('english'::regconfig, d.subtitle)",
        1: "to_tsvector('english'::regconfig, d.tags)",
    }

    def _query(self, match: str) -> str:
        """The tsquery of `match` as text, passed to the tier queries as a literal so the
        planner sees its words. The statistics that decide between the two plans of
        _ranked_sql come back with it when they are due."""
        if getattr(self, "_query_for", None) != match:
            stale = _stats_stale()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT websearch_to_tsquery('english', %s)::text"
                    + (f", {_STATS_SQL}" if stale else ""),
                    [match],
                )
                whole, *stats = cursor.fetchone()
            if stale:
                _remember_stats(*stats)
            self._query_for, self._query_text = match, whole
        return self._query_text

    def _tier_condition(self, tier: int) -> tuple[str, int]:
        """SQL (with the number of tsquery parameters it takes): the best match is `tier`."""
        parts = []
        if tier:
            parts.append(f"{self.COLUMNS[tier]} @@ %s::tsquery")
        parts += [f"NOT {self.COLUMNS[better]} @@ %s::tsquery" for better in range(3, tier, -1)]
        return " AND ".join(parts) or "TRUE", len(parts)

    def _tier_sql(self, tier, match, where, params, limit):
        whole = self._query(match)
        story, document = Story._meta.db_table, SearchDocument._meta.db_table
        condition, count = self._tier_condition(tier)
        # A tier whose column rarely holds the words is listed from its GIN index: `+ 0` keeps
        # the planner from walking the newest documents, which with LIMIT it would (it assumes
        # a word it has no statistics on is in 0.3 % of them; it may be in none).
        order = "d.story_id" if tier == 0 or _dense(whole, tier) else "d.story_id + 0"
        sql = f"""
            SELECT d.story_id AS id, {int(tier)} AS score
            FROM {document} d JOIN {story} s ON s.id = d.story_id
            WHERE d.vector @@ %s::tsquery AND {condition} AND {where}
            ORDER BY {order} DESC LIMIT %s
        """  # noqa: S608
        return sql, [whole, *[whole] * count, *params, limit]

    def _ranked_sql(self, match, where, params, position, limit):
        whole = self._query(match)
        if _dense(whole, 0):
            return super()._ranked_sql(match, where, params, position, limit)
        # A rare query: the GIN index finds every match (few); the tiers are computed on those.
        # (With LIMIT, the planner would rather walk the newest documents, expecting the
        # default share of matches for a word it has no statistics on; there may be none.)
        story, document = Story._meta.db_table, SearchDocument._meta.db_table
        tier = (
            f"CASE WHEN {self.COLUMNS[3]} @@ %s::tsquery THEN 3 "
            f"WHEN {self.COLUMNS[2]} @@ %s::tsquery THEN 2 "
            f"WHEN {self.COLUMNS[1]} @@ %s::tsquery THEN 1 ELSE 0 END"
        )
        keyset, keyset_params = "", []
        if position is not None:
            keyset = " WHERE hit.score < %s OR (hit.score = %s AND hit.id < %s)"
            keyset_params = [position[0], position[0], position[1]]
        sql = f"""
            SELECT hit.id, hit.score FROM (
                SELECT d.story_id AS id, {tier} AS score
                FROM {document} d JOIN {story} s ON s.id = d.story_id
                WHERE d.vector @@ %s::tsquery AND {where}
            ) hit{keyset}
            ORDER BY hit.score DESC, hit.id DESC LIMIT %s
        """  # noqa: S608
        return sql, [whole, whole, whole, whole, *params, *keyset_params, limit]

    def _with_highlights(self, sql, params, match):
        # Headlines (the expensive part) for the page's rows only.
        document = SearchDocument._meta.db_table
        return (
            f"""SELECT page.id, page.score,
                       ts_headline('english', d.title, q.query, %s),
                       ts_headline('english', d.subtitle, q.query, %s),
                       ts_headline('english', d.body, q.query, %s)
                FROM ({sql}) AS page
                JOIN {document} d ON d.story_id = page.id
                CROSS JOIN websearch_to_tsquery('english', %s) AS q(query)
                ORDER BY page.score DESC, page.id DESC""",  # noqa: S608
            [self.headline_title, self.headline_title, self.headline_body, *params, match],
        )

    def rebuild(self) -> int:
        document = SearchDocument._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            # Build the GIN indexes once over all rows instead of row by row.
            cursor.execute("DROP INDEX IF EXISTS search_document_vector_gin")
            for column in ("title", "subtitle", "tags"):
                cursor.execute(f"DROP INDEX IF EXISTS search_{column}_gin")
            # TRUNCATE refuses to run while deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {document}")
            cursor.execute(*self._fill_sql(None))
            # GIN builds are bound by maintenance_work_mem (64 MB by default).
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute(
                f"CREATE INDEX search_document_vector_gin ON {document} USING gin (vector)"
            )
            for column in ("title", "subtitle", "tags"):  # as search migration 0003
                cursor.execute(
                    f"CREATE INDEX search_{column}_gin ON {document} "
                    f"USING gin (to_tsvector('english'::regconfig, {column}))"
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
