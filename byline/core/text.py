"""What every database Byline runs on can store as text."""

from __future__ import annotations


def is_storable(text: str) -> bool:
    """False for text holding a NUL (PostgreSQL refuses it in text columns and queries) or a
    lone UTF-16 surrogate (not encodable as UTF-8, so neither SQLite nor PostgreSQL takes it)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
