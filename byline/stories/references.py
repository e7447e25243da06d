"""Which editor images a text refers to, by the storage names we give them.

The names are ours (`inline/<year>/<month>/<random>.<ext>`), so they can be found in Markdown
whatever address the image is served from (this site's /media/, a media host, a bucket).
"""

from __future__ import annotations

import re

INLINE_IMAGE_NAME = re.compile(r"inline/\d{4}/\d{2}/[A-Za-z0-9_-]+\.(?:jpg|png|jpeg|gif|webp)")


def inline_image_names(text: str) -> set[str]:
    return set(INLINE_IMAGE_NAME.findall(text or ""))
