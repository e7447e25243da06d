from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from byline.accounts import urls as accounts_urls
from byline.core import health
from byline.core import urls as core_urls
from byline.core.views import media
from byline.discovery.listing_views import community_detail, community_list, profile
from byline.discovery.views import explore, home

# The pages that list stories (the home page, explore, a community, a creator's profile) are
# discovery's views: they read stories and social, above the apps whose pages they are. Their
# URL names stay in those apps' namespaces (core:home, communities:detail, accounts:profile).
core_patterns = [
    path("", home, name="home"),
    path("explore/", explore, name="explore"),
    *core_urls.urlpatterns,
]
communities_patterns = [
    path("communities/", community_list, name="list"),
    path("c/<slug:slug>/", community_detail, name="detail"),
]
accounts_patterns = [
    *accounts_urls.urlpatterns,
    path("@<str:handle>", profile, name="profile"),
]

urlpatterns = [
    # Operations: liveness and readiness probes (docs/deploy.md).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include((core_patterns, core_urls.app_name))),
    path("", include((communities_patterns, "communities"))),
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
    path("", include((accounts_patterns, accounts_urls.app_name))),
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
