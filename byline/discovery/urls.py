from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.cache import cache_page

from byline.core.xmltext import xml_safe_view
from byline.discovery import feeds, views
from byline.discovery.sitemaps import SITEMAPS

app_name = "discovery"
urlpatterns = [
    path("feeds/latest.rss", feeds.SiteRss(), name="feed-rss"),
    path("feeds/latest.atom", feeds.SiteAtom(), name="feed-atom"),
    path("c/<slug:slug>/feed.rss", feeds.CommunityRss(), name="community-feed-rss"),
    path("c/<slug:slug>/feed.atom", feeds.CommunityAtom(), name="community-feed-atom"),
    path("tags/<slug:slug>/feed.rss", feeds.TagRss(), name="tag-feed-rss"),
    path("tags/<slug:slug>/feed.atom", feeds.TagAtom(), name="tag-feed-atom"),
    path("@<str:handle>/feed.rss", feeds.CreatorRss(), name="creator-feed-rss"),
    path("@<str:handle>/feed.atom", feeds.CreatorAtom(), name="creator-feed-atom"),
    path("stories/<int:pk>/feature", views.feature, name="feature"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        cache_page(3600)(xml_safe_view(sitemap_views.index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "discovery:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(3600)(xml_safe_view(sitemap_views.sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
