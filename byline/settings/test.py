"""Test overrides: fast hashing, in-memory mail, a throwaway data folder."""

import os
import tempfile

os.environ.setdefault("BYLINE_DATA_DIR", tempfile.mkdtemp(prefix="byline-test-"))

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
