"""Keyset (cursor) pagination: pages stay as fast at page 10,000 as at page 1, and nothing is
skipped or shown twice when new rows arrive between two pages. Never OFFSET.

A list is ordered newest (or highest) first by (`field`, id); `field` can be a datetime (the
default, `published_at`) or a number (`trending_score`, `like_count`, a search rank). The cursor
is an opaque, URL-safe token holding the last row's (value, id).
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

CURSOR_MAX_LENGTH = 100


@dataclass
class KeysetPage:
    items: list[Any]
    next_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


MAX_PK = 2**63 - 1


def _encode(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str | None) -> tuple[str, int] | None:
    if not cursor or len(cursor) > CURSOR_MAX_LENGTH:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, pk = raw.split("|")
        pk = int(pk)
    except (ValueError, UnicodeDecodeError):
        return None
    # A forged id outside the database's bigint range would fail in the query itself.
    return (value, pk) if 0 <= pk <= MAX_PK else None


def encode_cursor(moment: dt.datetime, pk: int) -> str:
    return _encode(f"{moment.isoformat()}|{pk}")


def decode_cursor(cursor: str | None) -> tuple[dt.datetime, int] | None:
    """The (moment, pk) in a cursor, or None for a missing or malformed one (first page)."""
    position = _decode(cursor)
    if position is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(position[0])
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed, position[1]


def encode_number_cursor(value: float, pk: int) -> str:
    # repr() of a float round-trips exactly, so the next page starts precisely after this row.
    return _encode(f"n{float(value)!r}|{pk}")


def decode_number_cursor(cursor: str | None) -> tuple[float, int] | None:
    """The (number, pk) in a numeric cursor, or None for a missing or malformed one."""
    position = _decode(cursor)
    if position is None or not position[0].startswith("n"):
        return None
    try:
        value = float(position[0][1:])
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return value, position[1]


def _is_temporal(queryset: QuerySet, field: str) -> bool:
    try:
        model_field = queryset.model._meta.get_field(field)
    except Exception:  # an annotation: numeric (ranks, scores)
        return False
    return model_field.get_internal_type() in {"DateTimeField", "DateField"}


def keyset_page(
    queryset: QuerySet,
    *,
    cursor: str | None,
    size: int,
    field: str = "published_at",
    ids_first: bool = False,
) -> KeysetPage:
    """Rows ordered newest (highest) first by (`field`, id), starting after `cursor`.

    `field` may be a datetime or a numeric model field, or a numeric annotation. A malformed
    cursor (or one made for another field type) gives the first page, never an error.

    `ids_first`: find the page's ids, then read those rows (a "deferred join"). For a list that
    tests many index entries to keep a few (a common tag walking the newest stories), the test
    then reads the indexes alone; PostgreSQL would otherwise read every walked story's row.
    """
    temporal = _is_temporal(queryset, field)
    position = decode_cursor(cursor) if temporal else decode_number_cursor(cursor)
    if position is not None:
        value, pk = position
        queryset = queryset.filter(Q(**{f"{field}__lt": value}) | Q(**{field: value, "pk__lt": pk}))
    ordered = queryset.order_by(f"-{field}", "-pk")
    if ids_first:
        ids = list(ordered.values_list("pk", flat=True)[: size + 1])
        found = ordered.in_bulk(ids)
        rows = [found[pk] for pk in ids if pk in found]
    else:
        rows = list(ordered[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        encode = encode_cursor if temporal else encode_number_cursor
        next_cursor = encode(getattr(last, field), last.pk)
    return KeysetPage(items=rows, next_cursor=next_cursor)
