from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from byline.core.models import StaticPage

FOOTER_CACHE_KEY = "core:footer-pages"


def footer_pages() -> list[tuple[str, str]]:
    pages = cache.get(FOOTER_CACHE_KEY)
    if pages is None:
        pages = [
            (page.title, page.get_absolute_url())
            for page in StaticPage.objects.filter(in_footer=True).only("slug", "title")
        ]
        cache.set(FOOTER_CACHE_KEY, pages, 300)
    return pages


def site(request):
    """Site identity for every template: name, footer links, social links, the year."""
    return {
        "byline_site": {
            "name": settings.SITE_NAME,
            "tagline": settings.SITE_TAGLINE,
            "url": settings.SITE_URL,
            "footer_owner": settings.FOOTER_OWNER,
            "social_links": [(name, url) for name, url in settings.SOCIAL_LINKS.items() if url],
            "year": timezone.now().year,
            "review": settings.REVIEW,
        },
        "footer_pages": footer_pages,
    }
