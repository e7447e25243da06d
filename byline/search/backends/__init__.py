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

from django.db import connection

from byline.search.backends.base import (
    PEOPLE_CANDIDATES,
    QUERY_MAX_LENGTH,
    SearchBackend,
    SearchFilters,
    SearchHit,
    SearchPage,
    clean_query,
    highlight_html,
)
from byline.search.backends.postgres import PostgresBackend
from byline.search.backends.sqlite import SQLiteBackend

__all__ = [
    "PEOPLE_CANDIDATES",
    "QUERY_MAX_LENGTH",
    "PostgresBackend",
    "SQLiteBackend",
    "SearchBackend",
    "SearchFilters",
    "SearchHit",
    "SearchPage",
    "clean_query",
    "get_backend",
    "highlight_html",
]

_BACKENDS = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}


def get_backend() -> SearchBackend:
    """The back-end for the default database (raises for a vendor we do not support)."""
    try:
        return _BACKENDS[connection.vendor]()
    except KeyError:
        raise NotImplementedError(f"No search back-end for {connection.vendor}.") from None
