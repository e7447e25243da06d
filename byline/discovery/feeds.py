"""RSS 2.0 and Atom feeds (Django's syndication framework) for the site, each community, each
tag and each creator. BYLINE_FEED_CONTENT chooses the whole story or a summary.

An item's description is HTML that feed readers render: it is either the story's sanitized
body_html or the subtitle and excerpt as escaped plain text, never text the author typed as
markup. Everything written goes through byline.core.xmltext (SafeRssFeed, SafeAtomFeed), so
no stored character can make a feed fail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html_join

from byline.accounts.models import User
from byline.communities.models import Community
from byline.core.links import site_url
from byline.core.xmltext import SafeAtomFeed, SafeRssFeed
from byline.stories.models import Story, Tag

FEED_SIZE = 20


class StoryFeed(Feed):
    """The latest published stories of the whole site."""

    url_name = "discovery:feed-rss"
    feed_type = SafeRssFeed

    def url_kwargs(self, obj) -> dict:
        return {}

    def feed_url(self, obj=None) -> str:
        return site_url(reverse(self.url_name, kwargs=self.url_kwargs(obj)))

    def title(self, obj=None) -> str:
        return settings.SITE_NAME

    def link(self, obj=None) -> str:
        return site_url("/")

    def description(self, obj=None) -> str:
        return settings.SITE_TAGLINE

    subtitle = description  # Atom's name for it

    def stories(self, obj):
        return Story.objects.published()

    def items(self, obj=None):
        stories = self.stories(obj).for_cards()
        if settings.FEED_CONTENT == "full":
            # The whole story: undo for_cards()' deferral of its HTML (only).
            stories = stories.defer(None).defer("body", "body_text")
        return stories.order_by("-published_at", "-id")[:FEED_SIZE]

    def item_title(self, story: Story) -> str:
        return story.title

    def item_description(self, story: Story) -> str:
        if settings.FEED_CONTENT == "full":
            return story.body_html
        parts = [text for text in (story.subtitle, story.excerpt) if text]
        return format_html_join("", "<p>{}</p>", ((text,) for text in parts))

    def item_link(self, story: Story) -> str:
        return site_url(story.get_absolute_url())

    def item_guid(self, story: Story) -> str:
        # Stable across renames: the story's id, not its address.
        return site_url(f"/stories/{story.pk}")

    item_guid_is_permalink = False

    def item_author_name(self, story: Story) -> str:
        return story.author.name

    def item_author_link(self, story: Story) -> str:
        return site_url(story.author.get_absolute_url())

    def item_pubdate(self, story: Story):
        return story.published_at

    def item_updateddate(self, story: Story):
        return story.updated_at

    def item_categories(self, story: Story) -> list[str]:
        return [tag.name for tag in story.tags.all()]


class CommunityFeed(StoryFeed):
    url_name = "discovery:community-feed-rss"

    def url_kwargs(self, obj: Community) -> dict:
        return {"slug": obj.slug}

    def get_object(self, request, slug: str) -> Community:
        return get_object_or_404(Community, slug=slug)

    def title(self, obj: Community) -> str:
        return f"{obj.name} · {settings.SITE_NAME}"

    def link(self, obj: Community) -> str:
        return site_url(obj.get_absolute_url())

    def description(self, obj: Community) -> str:
        return obj.description or f"Stories in {obj.name}."

    subtitle = description

    def stories(self, obj: Community):
        return Story.objects.published().filter(community=obj)


class TagFeed(StoryFeed):
    url_name = "discovery:tag-feed-rss"

    def url_kwargs(self, obj: Tag) -> dict:
        return {"slug": obj.slug}

    def get_object(self, request, slug: str) -> Tag:
        return get_object_or_404(Tag.objects.public(), slug=slug)

    def title(self, obj: Tag) -> str:
        return f"{obj.name} · {settings.SITE_NAME}"

    def link(self, obj: Tag) -> str:
        return site_url(obj.get_absolute_url())

    def description(self, obj: Tag) -> str:
        return f"Stories tagged {obj.name}."

    subtitle = description

    def stories(self, obj: Tag):
        return Story.objects.published().tagged(obj)


class CreatorFeed(StoryFeed):
    url_name = "discovery:creator-feed-rss"

    def url_kwargs(self, obj: User) -> dict:
        return {"handle": obj.username}

    def get_object(self, request, handle: str) -> User:
        return get_object_or_404(User, username__iexact=handle, is_active=True)

    def title(self, obj: User) -> str:
        return f"{obj.name} · {settings.SITE_NAME}"

    def link(self, obj: User) -> str:
        return site_url(obj.get_absolute_url())

    def description(self, obj: User) -> str:
        return obj.bio or f"Stories by {obj.name}."

    subtitle = description

    def stories(self, obj: User):
        return Story.objects.published().filter(author=obj)


def atom(feed_class: type[StoryFeed]) -> type[StoryFeed]:
    return type(
        f"Atom{feed_class.__name__}",
        (feed_class,),
        {"feed_type": SafeAtomFeed, "url_name": feed_class.url_name.replace("-rss", "-atom")},
    )


SiteRss, SiteAtom = StoryFeed, atom(StoryFeed)
CommunityRss, CommunityAtom = CommunityFeed, atom(CommunityFeed)
TagRss, TagAtom = TagFeed, atom(TagFeed)
CreatorRss, CreatorAtom = CreatorFeed, atom(CreatorFeed)
