"""Absolute links to this site, for e-mail, feeds, JSON-LD, the API and the command line.

Always built from BYLINE_SITE_URL (settings.SITE_URL), never from a request's Host header, which
the client chooses: a link in a reset mail must not point wherever the requester said.
"""

from django.conf import settings


def site_url(path: str) -> str:
    """`path` ("/@ana/a-story") as an absolute link on this site. A link that is absolute
    already (media on S3 or a media host: BYLINE_MEDIA_URL) is returned as it is."""
    if path.startswith(("https://", "http://")):
        return path
    return f"{settings.SITE_URL}{path}"
