from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from byline.accounts.models import User
from byline.communities.models import Community
from byline.search.backends import SearchFilters, SearchPage, get_backend
from byline.stories.models import Tag

PEOPLE_LIMIT = 6


@dataclass
class SearchResults:
    query: str
    stories: SearchPage = field(default_factory=SearchPage)
    creators: list[User] = field(default_factory=list)
    communities: list[Community] = field(default_factory=list)
    unknown_filters: list[str] = field(default_factory=list)


def search_everything(
    *,
    query: str,
    community_slug: str = "",
    tag_slug: str = "",
    creator_handle: str = "",
    since=None,
    until=None,
    cursor: str | None = None,
    size: int = 12,
) -> SearchResults:
    """Stories (ranked, filtered, paginated) plus creators and communities matching `query`.

    A filter naming something that does not exist matches nothing (and is reported), rather
    than being silently ignored.
    """
    results = SearchResults(query=query)
    filters = {"since": since, "until": until}
    lookups = [
        ("community", community_slug, Community.objects.filter(slug=community_slug), "community"),
        ("tag", tag_slug, Tag.objects.public().filter(slug=tag_slug), "tag"),
        (
            "creator",
            creator_handle,
            User.objects.filter(username__iexact=creator_handle, is_active=True),
            "author",
        ),
    ]
    for label, value, queryset, key in lookups:
        if not value:
            continue
        pk = queryset.values_list("pk", flat=True).first()
        if pk is None:
            results.unknown_filters.append(label)
        filters[f"{key}_id"] = pk
    if results.unknown_filters or not query:
        return results
    results.stories = get_backend().search(
        query, filters=SearchFilters(**filters), cursor=cursor, size=size
    )
    if cursor is None:
        # People and places only on the first page; creators through the trigram indexes.
        results.creators = get_backend().people(query, limit=PEOPLE_LIMIT)
        results.communities = list(
            Community.objects.filter(Q(name__icontains=query) | Q(slug__istartswith=query))[
                :PEOPLE_LIMIT
            ]
        )
    return results
