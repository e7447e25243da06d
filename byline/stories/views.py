from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers

from byline.core.pagination import keyset_page
from byline.social.story_context import story_engagement
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
    context = {
        "story": story,
        "story_json_ld": story_json_ld(story),
        **story_engagement(request=request, story=story),
    }
    # htmx asks for the comments section alone when sorting or paging comments.
    template = "stories/story_detail.html"
    if request.htmx and request.htmx.target == "story-comments":
        template = "comments/_story_comments.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    page = keyset_page(
        Story.objects.published().filter(tags=tag).for_cards(),
        cursor=request.GET.get("after"),
        size=settings.PAGE_SIZE,
    )
    return render(request, "stories/tag_detail.html", {"tag": tag, "page": page})
