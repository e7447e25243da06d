"""Database routing for read replicas, with read-your-writes.

Reads go to a replica (DATABASE_REPLICA_URLS) and writes to the primary, except that reads are
pinned to the primary:

- during any unsafe request (POST, PUT, PATCH, DELETE): it writes, then reads what it wrote;
- for REPLICA_PIN_SECONDS after such a request, for the same client: PrimaryPinMiddleware sets a
  short-lived cookie, so the page the client is redirected to shows its own change even while the
  replicas lag behind;
- inside a transaction on the primary, and in processes that ask for it (`byline worker`: a task
  enqueued right after a write must find the row it was given the id of).

Forging the cookie only sends the forger's own reads to the primary, so it needs no signature.
"""

from __future__ import annotations

import random
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

PIN_COOKIE = "byline_primary"
_pinned: ContextVar[bool] = ContextVar("byline_pinned_to_primary", default=False)
_process_pinned = False


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def pin_process_to_primary() -> None:
    """Every read of this process goes to the primary (used by background workers)."""
    global _process_pinned
    _process_pinned = True


def reads_pinned() -> bool:
    return _process_pinned or _pinned.get()


class pinned_to_primary:  # lower case: reads like a function in `with` statements
    """Context manager: reads inside go to the primary."""

    def __init__(self, pinned: bool = True) -> None:
        self.pinned = pinned

    def __enter__(self) -> None:
        self._token = _pinned.set(self.pinned or _pinned.get())

    def __exit__(self, *exc_info) -> None:
        _pinned.reset(self._token)


class PrimaryReplicaRouter:
    """Writes and migrations on the primary; reads on a random replica unless pinned."""

    def db_for_read(self, model, **hints) -> str:
        replicas = replica_aliases()
        if not replicas or reads_pinned():
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            # Follow a relation from the database the object came from: consistent within a page.
            return instance._state.db
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return random.choice(replicas)

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Replicas hold the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
