"""SQLite: an FTS5 table (external content over search_searchdocument, porter stemming) and
its column filters; the query is rebuilt from the words of the input, each one quoted."""

from __future__ import annotations

import re

from django.db import connection, transaction

from byline.accounts.models import User
from byline.search.backends.base import WORD, SearchBackend
from byline.search.models import SearchDocument
from byline.stories.models import Story

_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


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
            words = WORD.findall(text)
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
