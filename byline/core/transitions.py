"""State changes as compare-and-set, and limits that hold under concurrency.

Every change of a state field (a story's status, a report's status, a comment's hidden or
deleted flag, an account's suspension, a story's text version) goes through `transition`: it
locks the row *on condition* that it is still in a state the change starts from
(`SELECT ... WHERE pk = %s AND <state> FOR UPDATE`), then writes the change. The database
decides who wins, not the copy of the row a view loaded: on PostgreSQL the others wait for the
winner's row lock and then find the row no longer matching; on SQLite writers run one after
another (IMMEDIATE transactions take the write lock at BEGIN, see settings) and the later ones
read the row as the winner left it. They get `Conflict`, which the site answers with a 409 page
(byline.core.middleware) and the API with a 409 `conflict` error. What a change entails (audit
entry, notifications, e-mail) is written by the caller after `transition` returns, inside the
same transaction: only the winner writes it.

Lock then save, rather than one conditional UPDATE: the write is a normal `save()`, so the
model's signals (search index, page cache, story counts, which compare the row before and after)
see the change like any other.

Limits counted in rows ("at most N comments a minute") use `hold`: it locks one row (the
author's) for the rest of the transaction, so callers for the same row count and insert one
after another, and a count taken after it is exact.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models, router, transaction


class Conflict(Exception):
    """The row is no longer in a state that allows the change: someone changed it first.

    `message` is written for people (the site and the API show it as it is); `code` names the
    kind of conflict for API clients.
    """

    def __init__(self, message: str, *, code: str = "conflict") -> None:
        self.message, self.code = message, code
        super().__init__(message)


def _locked_rows(obj: models.Model, expect: dict[str, Any]) -> models.QuerySet:
    model = obj._meta.model
    using = router.db_for_write(model)
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        raise RuntimeError("Row locks need a transaction: call inside transaction.atomic().")
    if connection.vendor == "sqlite" and getattr(connection, "transaction_mode", None) != (
        "IMMEDIATE"
    ):
        # Without FOR UPDATE, only a write lock taken at BEGIN makes the read below current.
        raise ImproperlyConfigured("SQLite needs OPTIONS transaction_mode IMMEDIATE (settings).")
    # FOR NO KEY UPDATE: excludes the other lockers and writers of the row, but not the
    # inserts elsewhere that merely reference it (a comment's author, a notice's recipient).
    rows = model._default_manager.using(using).select_for_update(no_key=True)
    return rows.filter(pk=obj.pk, **expect)


def lock_if(obj: models.Model, expect: dict[str, Any]) -> bool:
    """Lock `obj`'s row if it (as it is in the database now) matches the lookups in `expect`;
    whether it did. The lock lasts until the transaction ends; call it inside one."""
    return bool(list(_locked_rows(obj, expect).values_list("pk", flat=True)))


def transition(
    obj: models.Model, *, expect: dict[str, Any], changes: dict[str, Any], conflict: str
) -> None:
    """Change `obj`'s row from a state matching the lookups in `expect` to `changes`, or raise
    Conflict(conflict) when the row (as it is in the database now, not as `obj` remembers it)
    does not match. On success `obj` carries the new values; the row stays locked until the
    caller's transaction ends.
    """
    model = obj._meta.model
    with transaction.atomic(using=router.db_for_write(model)):
        if not lock_if(obj, expect):
            raise Conflict(conflict)
        for name, value in changes.items():
            setattr(obj, name, value)
        auto_now = [
            field.name
            for field in model._meta.concrete_fields
            if getattr(field, "auto_now", False) and field.name not in changes
        ]
        obj.save(update_fields=[*changes, *auto_now])


def hold(obj: models.Model, *fields: str) -> tuple:
    """Lock `obj`'s row until the current transaction ends (call it inside one); the row's
    current values of `fields`, read in the same statement.

    Check-then-act limits (rows in a time window, a duplicate of a recent row) are counted after
    it: concurrent callers holding the same row queue here, so each counts what the previous
    ones inserted.
    """
    row = _locked_rows(obj, {}).values_list("pk", *fields).first()
    return tuple(row[1:]) if row else ()
