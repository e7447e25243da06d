"""Housekeeping tasks of the site itself (Django's tasks API: run in-process or by `byline
worker`, depending on BYLINE_TASKS)."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django_tasks import task

from byline.core.periodic import periodic


@periodic(every=24 * 3600)
@task()
def sessions_clear_expired() -> int:
    """Delete expired sessions from the session store (database rows, for the `db` and
    `cached_db` engines); returns how many sessions are left."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    from django.contrib.sessions.models import Session

    return Session.objects.count()
