from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from byline.core import health
from byline.core.views import media

urlpatterns = [
    # Operations: liveness and readiness probes (docs/deploy.md).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("byline.core.urls")),
    path("", include("byline.communities.urls")),
    path("", include("byline.insights.urls")),
    path("", include("byline.comments.urls")),
    path("", include("byline.social.urls")),
    path("", include("byline.moderation.urls")),
    path("", include("byline.discovery.urls")),
    path("", include("byline.search.urls")),
    path("", include("byline.stats.urls")),
    path("", include("byline.api.urls")),
    # /@handle and /@handle/slug come last: they match any handle.
    path("", include("byline.stories.urls")),
    path("", include("byline.accounts.urls")),
]

if settings.MEDIA_URL.startswith("/"):
    # Uploaded media from the local data folder (the scale path serves them from S3, the proxy
    # or a media host of their own: BYLINE_MEDIA_URL).
    urlpatterns.insert(
        4, re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", media, name="media")
    )

handler404 = "byline.core.views.error_404"
# allauth's rate limits (sign-in, sign-up, reset) answer with this view, which logs them.
handler429 = "byline.accounts.views.rate_limited"
# A database or cache outage answers 503 with Retry-After; anything else the usual 500 page.
handler500 = "byline.core.health.server_error"
