"""sitemap.xml: stories, communities, tags, creators and the static pages.

Django's Sitemap paginates with OFFSET; at a million stories the last pages would scan
everything before them. `IdRangePaginator` makes page n the rows with id in
((n-1)*limit, n*limit]: each page is an index range scan, pages may hold fewer than `limit`
rows (gaps left by drafts), and the number of pages is max(id) / limit."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse

from byline.accounts.models import User
from byline.communities.models import Community
from byline.core.models import StaticPage
from byline.stories.models import Story, Tag


class Sitemap(DjangoSitemap):
    """Absolute addresses from BYLINE_SITE_URL, never from the request's Host header."""

    @property
    def protocol(self) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class _IdRangePage:
    def __init__(self, object_list):
        self.object_list = object_list


class IdRangePaginator:
    def __init__(self, queryset, per_page: int):
        self.queryset, self.per_page = queryset, per_page

    @property
    def num_pages(self) -> int:
        highest = self.queryset.model.objects.aggregate(top=Max("pk"))["top"] or 0
        return max(1, math.ceil(highest / self.per_page))

    def page(self, number) -> _IdRangePage:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer.") from None
        if number < 1 or number > self.num_pages:
            raise EmptyPage("That page contains no results.")
        low = (number - 1) * self.per_page
        rows = self.queryset.filter(pk__gt=low, pk__lte=low + self.per_page).order_by("pk")
        return _IdRangePage(list(rows))


class IdRangeSitemap(Sitemap):
    limit = 10_000

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)


class StorySitemap(IdRangeSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return (
            Story.objects.published()
            .select_related("author")
            .only("slug", "updated_at", "author__username")
        )

    def lastmod(self, story: Story):
        return story.updated_at


class CommunitySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return Community.objects.order_by("pk")


class TagSitemap(IdRangeSitemap):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        return (
            Tag.objects.public()
            .filter(Exists(Story.objects.published().filter(tags=OuterRef("pk"))))
            .order_by("pk")
        )


class CreatorSitemap(IdRangeSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return User.objects.filter(
            Exists(Story.objects.published().filter(author=OuterRef("pk"))), is_active=True
        ).only("username")


class PageSitemap(Sitemap):
    """Home, explore, the community list and the operators' static pages."""

    changefreq = "weekly"
    priority = 0.5

    def items(self):
        named = ["core:home", "core:explore", "communities:list"]
        pages = [page.get_absolute_url() for page in StaticPage.objects.order_by("pk")]
        return [reverse(name) for name in named] + pages

    def location(self, item: str) -> str:
        return item


SITEMAPS = {
    "pages": PageSitemap,
    "stories": StorySitemap,
    "communities": CommunitySitemap,
    "tags": TagSitemap,
    "creators": CreatorSitemap,
}
