"""PostgreSQL: a generated weighted tsvector column with a GIN index, GIN expression indexes
on the title, subtitle and tags, and `websearch_to_tsquery` (which never raises)."""

from __future__ import annotations

import re
import time

from django.db import connection, transaction

from byline.search.backends.base import START, STOP, WORD, SearchBackend
from byline.search.models import SearchDocument
from byline.stories.models import Story

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
        return query if WORD.search(query) else ""

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
