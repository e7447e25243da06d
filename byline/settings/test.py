"""Test overrides: fast hashing, in-memory mail, a throwaway data folder."""

import os
import tempfile

os.environ.setdefault("BYLINE_DATA_DIR", tempfile.mkdtemp(prefix="byline-test-"))
if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    # xdist workers inherit the controller's folder; the page cache keeps its versions there,
    # keyed by story id, so workers sharing it would invalidate each other's pages.
    os.environ["BYLINE_DATA_DIR"] = os.path.join(os.environ["BYLINE_DATA_DIR"], worker)

from byline.settings.base import *  # noqa: F403
from byline.settings.base import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than shared-cache memory: threads in concurrency tests then meet SQLite's
    # real locking (WAL, IMMEDIATE, busy_timeout) as in production, not "table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
