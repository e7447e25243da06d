"""The production settings with the test-only task views (for the real-server test)."""

from byline.settings.base import *  # noqa: F403

ROOT_URLCONF = "byline.core.tests.after_response_urls"
