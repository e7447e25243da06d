"""JSON-LD for search engines: BreadcrumbList (story, community, tag pages) and Person."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse

from byline.core.links import site_url
from byline.core.templatetags.byline import json_ld

register = template.Library()


def breadcrumb_data(trail: list[tuple[str, str]]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": site_url(path)}
            for n, (name, path) in enumerate(trail, start=1)
        ],
    }


@register.simple_tag
def story_breadcrumbs_json_ld(story) -> str:
    """Home > Community > Story (Home > Story when it has no community)."""
    trail = [(settings.SITE_NAME, reverse("core:home"))]
    if story.community:
        trail.append((story.community.name, story.community.get_absolute_url()))
    trail.append((story.title, story.get_absolute_url()))
    return json_ld(breadcrumb_data(trail))


@register.simple_tag
def community_breadcrumbs_json_ld(community) -> str:
    trail = [
        (settings.SITE_NAME, reverse("core:home")),
        ("Communities", reverse("communities:list")),
        (community.name, community.get_absolute_url()),
    ]
    return json_ld(breadcrumb_data(trail))


@register.simple_tag
def tag_breadcrumbs_json_ld(tag) -> str:
    trail = [
        (settings.SITE_NAME, reverse("core:home")),
        ("Explore", reverse("core:explore")),
        (tag.name, tag.get_absolute_url()),
    ]
    return json_ld(breadcrumb_data(trail))


@register.simple_tag
def person_json_ld(person) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "mainEntity": {
            "@type": "Person",
            "name": person.name,
            "alternateName": f"@{person.username}",
            "url": site_url(person.get_absolute_url()),
            "identifier": person.username,
        },
    }
    if person.bio:
        data["mainEntity"]["description"] = person.bio
    if person.website:
        data["mainEntity"]["sameAs"] = [person.website]
    if person.avatar:
        data["mainEntity"]["image"] = site_url(person.avatar.url)
    return json_ld(data)


@register.simple_tag(takes_context=True)
def canonical_url(context, **params) -> str:
    """This page's address on SITE_URL with only the given query parameters (no cursor):
    lists are canonical at their first page, so search engines index one URL per list."""
    from django.utils.http import urlencode

    request = context["request"]
    query = urlencode({key: value for key, value in params.items() if value})
    return site_url(request.path) + (f"?{query}" if query else "")


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key)


@register.filter
def can_feature(user) -> bool:
    from byline.stories.policies import is_moderator

    return is_moderator(user)


@register.filter
def is_featured(story) -> bool:
    from byline.discovery.models import StaffPick

    return StaffPick.objects.filter(story_id=story.pk).exists()
