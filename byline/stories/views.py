from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from byline.core import pagecache
from byline.core.pagination import keyset_page
from byline.insights.labels import HOW_IT_WORKS
from byline.insights.selectors import insights_summary
from byline.stats.services import view_record
from byline.stories.models import Story, Tag
from byline.stories.selectors import story_get_for_reader


def story_json_ld(story: Story) -> dict:
    """schema.org Article for search engines and link previews."""
    url = f"{settings.SITE_URL}{story.get_absolute_url()}"
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": story.title,
        "description": story.subtitle or story.title,
        "mainEntityOfPage": url,
        "url": url,
        "wordCount": story.word_count,
        "timeRequired": f"PT{story.reading_minutes}M",
        "dateModified": story.updated_at.isoformat(),
        "author": {
            "@type": "Person",
            "name": story.author.name,
            "url": f"{settings.SITE_URL}{story.author.get_absolute_url()}",
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
        data["image"] = f"{settings.SITE_URL}{story.hero_image.url}"
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
        view_record(story_id=story.pk)
    context = {
        "story": story,
        "story_json_ld": story_json_ld(story),
        "insights": insights_summary(story=story, viewer=request.user),
        "insights_how_it_works": HOW_IT_WORKS,
        "comments": story.comments.filter(is_hidden=False)
        .select_related("author")
        .order_by("created_at", "id")[:200],
    }
    return pagecache.mark(render(request, "stories/story_detail.html", context), cache_ticket)


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    page = keyset_page(
        Story.objects.published().filter(tags=tag).for_cards(),
        cursor=request.GET.get("after"),
        size=settings.PAGE_SIZE,
    )
    return render(request, "stories/tag_detail.html", {"tag": tag, "page": page})
