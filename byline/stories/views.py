"""The reader's pages of the stories app: a story (with what the apps above add below it, see
stories.page) and a tag's stories."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers

from byline.core import pagecache
from byline.core.links import site_url
from byline.core.pagination import keyset_page
from byline.stories.models import Story, Tag
from byline.stories.page import story_page_context
from byline.stories.selectors import story_get_for_reader


def story_json_ld(story: Story) -> dict:
    """schema.org Article for search engines and link previews."""
    url = site_url(story.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": story.title,
        "description": story.summary or story.title,
        "mainEntityOfPage": url,
        "url": url,
        "wordCount": story.word_count,
        "timeRequired": f"PT{story.reading_minutes}M",
        "dateModified": story.updated_at.isoformat(),
        "author": {
            "@type": "Person",
            "name": story.author.name,
            "url": site_url(story.author.get_absolute_url()),
        },
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL,
        },
        "keywords": [tag.name for tag in story.tags.all()],
    }
    if story.published_at:
        data["datePublished"] = story.published_at.isoformat()
    if story.hero_image:
        data["image"] = site_url(story.hero_image.url)
    if story.community:
        data["articleSection"] = story.community.name
    return data


def story_detail(request: HttpRequest, handle: str, slug: str) -> HttpResponse:
    story = story_get_for_reader(handle=handle, slug=slug, viewer=request.user)
    if story.moved:
        return redirect(story, permanent=True)
    # Read before rendering: see pagecache.cacheable_for. Anonymous pages are served from the
    # fast path afterwards, which counts their views itself.
    cache_ticket = pagecache.cacheable_for(request, story)
    if story.is_published and request.method == "GET" and story.author_id != request.user.pk:
        pagecache.page_viewed(story.pk)
    context = {
        "story": story,
        "story_json_ld": story_json_ld(story),
        **story_page_context(request=request, story=story),
    }
    # htmx asks for the comments section alone when sorting or paging comments; only the whole
    # page goes into the shared page cache.
    template = "stories/story_detail.html"
    if request.htmx and request.htmx.target == "story-comments":
        template = "comments/_story_comments.html"
        cache_ticket = None
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return pagecache.mark(response, cache_ticket)


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag.objects.public(), slug=slug)
    page = keyset_page(
        Story.objects.published().tagged(tag).for_cards(),
        cursor=request.GET.get("after"),
        size=settings.PAGE_SIZE,
        ids_first=True,
    )
    return render(request, "stories/tag_detail.html", {"tag": tag, "page": page})
