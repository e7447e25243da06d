"""The public JSON API, /api/v1/: a thin adapter over the same selectors, policies and services
the pages use, so both enforce exactly the same rules."""

from __future__ import annotations

from ninja import NinjaAPI

from byline.api.auth import public
from byline.api.endpoints import (
    catalogue,
    comments,
    engagement,
    search,
    social,
    stats,
    stories,
)
from byline.api.errors import install_error_handlers
from byline.api.parser import SafeParser
from byline.api.ratelimit import AddressThrottle, ClientThrottle

DESCRIPTION = """
Read and write Byline with a personal access token (create one at **/settings/tokens/**) sent as
`Authorization: Bearer byl_…`. Read-only tokens may call every `GET`; write tokens may also change
things. Without a token, public reads work and the site's own pages call the API with their
session (and a CSRF header on unsafe methods).

Every error is JSON: `{"detail": "...", "code": "...", "field": "..."}` (`field` names the bad
input). Lists are paged with an opaque `cursor`: pass `next_cursor` from one page to get the next.
Requests are rate limited per address and per token; over the limit the answer is `429` with
`Retry-After`.
"""

api = NinjaAPI(
    title="Byline API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api:v1",
    auth=public,
    parser=SafeParser(),
    throttle=[AddressThrottle(), ClientThrottle()],
    openapi_extra={"info": {"license": {"name": "AGPL-3.0-or-later"}}},
)
install_error_handlers(api)
api.add_router("/", catalogue.router)
api.add_router("/stories", stories.router)
api.add_router("/", comments.router)
api.add_router("/", engagement.router)
api.add_router("/", search.router)
api.add_router("/", social.router)
api.add_router("/", stats.router)

__all__ = ["api"]
