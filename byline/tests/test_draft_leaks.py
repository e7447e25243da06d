"""Unpublished stories leave no trace in anything public: every listing, feed, sitemap, search
and API list is walked, by the whole cast, with a tag that only drafts (and stories in review,
rejected or taken back) carry. The author sees her own tags only where a page is meant for
that (the editor's tag suggestions, her own stories)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from byline.communities.models import Community
from byline.conftest import make_story
from byline.stories.lifecycle import story_unpublish
from byline.stories.models import Story, Tag

pytestmark = pytest.mark.django_db

TOKEN = "zqx"  # in every unpublished story's title, body and tags; never on a public page

# Every public surface that lists stories, tags or counts (with the query strings that reach
# the tag and search paths). None may show TOKEN to anyone.
PUBLIC = [
    "/",
    "/explore/",
    "/explore/?tab=trending",
    "/explore/?tab=top&period=all",
    "/communities/",
    "/c/earth/",
    "/c/hidden-cove/",
    "/tags/sea/",
    "/@alice",
    "/@bob",
    "/search/?q=zqxdraft",
    "/search/?q=zqxbody",
    "/search/?q=open",
    "/search/?q=water&community=hidden-cove",
    "/feeds/latest.rss",
    "/feeds/latest.atom",
    "/c/earth/feed.rss",
    "/c/hidden-cove/feed.atom",
    "/tags/sea/feed.rss",
    "/tags/sea/feed.atom",
    "/@alice/feed.rss",
    "/@alice/feed.atom",
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-stories.xml",
    "/sitemap-tags.xml",
    "/sitemap-creators.xml",
    "/sitemap-communities.xml",
    "/api/v1/tags",
    "/api/v1/tags?cursor=z",
    "/api/v1/stories",
    "/api/v1/stories?community=hidden-cove",
    "/api/v1/stories?author=alice",
    "/api/v1/communities",
    "/api/v1/communities/hidden-cove",
    "/api/v1/creators/alice",
    "/api/v1/creators/alice/stories",
    "/api/v1/search?q=zqxdraft",
    "/api/v1/search?q=open",
]

# Addresses that name a tag: a tag only unpublished stories carry must answer exactly as a tag
# that does not exist (no existence oracle), whoever asks.
NAMING_THE_TAG = [
    "/tags/{tag}/",
    "/tags/{tag}/?after=x",
    "/tags/{tag}/feed.rss",
    "/tags/{tag}/feed.atom",
    "/api/v1/tags/{tag}",
    "/api/v1/stories?tag={tag}",
    "/api/v1/search?q=open&tag={tag}",
    "/search/?q=open&tag={tag}",
    "/search/?q=zqxdraft&tag={tag}",
]
SECRET_TAGS = ["zqxsecret", "zqxreview", "zqxrejected", "zqxunpublished"]

# Signed-in helpers that suggest tags: only the author's own may come back.
SUGGESTIONS = "/write/tags/?tags=zqx"


@pytest.fixture
def site(alice, bob, carol, community, django_capture_on_commit_callbacks):
    hidden = Community.objects.create(name="Hidden Cove", slug="hidden-cove")
    with django_capture_on_commit_callbacks(execute=True):
        make_story(
            alice,
            title="Open water",
            body="The water is open.",
            community=community,
            tags=["Sea"],
        )
        make_story(bob, title="Open sky", body="Open water too.", tags=["Sea"])
        make_story(
            alice,
            title="Zqxdraft title",
            subtitle="zqx subtitle",
            body="zqxbody water open",
            community=hidden,
            tags=["Zqxsecret", "Sea"],
            status="draft",
        )
        make_story(
            alice,
            title="Zqxreview open",
            body="zqx",
            community=hidden,
            tags=["Zqxreview"],
            status="submitted",
        )
        make_story(alice, title="Zqxrejected open", tags=["Zqxrejected"], status="rejected")
        taken_back = make_story(
            alice, title="Zqxunpublished open", community=hidden, tags=["Zqxunpublished"]
        )
        story_unpublish(story=taken_back, by=alice)
    return hidden


def viewers(alice, bob, carol, dave):
    return {"anonymous": None, "bob": bob, "dave": dave, "alice": alice, "carol": carol}


_VARYING = [
    re.compile(r"[A-Za-z0-9]{64}"),  # masked CSRF tokens, one per response
    re.compile(r'nonce="[^"]*"'),
    re.compile(r"\d+(\.\d+)?ms"),
    re.compile(r"<lastBuildDate>[^<]*</lastBuildDate>|<updated>[^<]*</updated>"),
]


def shown(url: str, content: bytes) -> str:
    """The page's text less what the visitor typed (a search query is echoed back) and the
    random tokens of each response (a CSRF token may hold any three letters)."""
    text = content.decode()
    for pattern in _VARYING:
        text = pattern.sub("", text)
    text = text.lower()
    for value in parse_qs(urlsplit(url).query).values():
        text = text.replace(value[0].lower(), "")
    return text


def normalised(content: bytes, *, tag: str) -> str:
    text = content.decode().replace(tag, "TAG")
    for pattern in _VARYING:
        text = pattern.sub("", text)
    return text


def test_the_fixture_has_the_unpublished_stories_it_claims(site, alice):
    statuses = set(Story.objects.filter(title__istartswith=TOKEN).values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "rejected"}
    assert Story.objects.filter(title__istartswith=TOKEN).count() == 4
    assert Tag.objects.filter(slug__in=SECRET_TAGS).count() == len(SECRET_TAGS)


def test_counts_count_published_stories_only(site, community):
    assert Tag.objects.get(slug="sea").story_count == 2
    for slug in SECRET_TAGS:
        assert Tag.objects.get(slug=slug).story_count == 0
    site.refresh_from_db()
    community.refresh_from_db()
    assert (site.story_count, community.story_count) == (0, 1)


def test_no_public_listing_feed_sitemap_or_api_list_shows_unpublished_stories(
    client, site, alice, bob, carol, dave
):
    for name, user in viewers(alice, bob, carol, dave).items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in PUBLIC:
            response = client.get(url, follow=True)
            assert response.status_code in (200, 404), (name, url, response.status_code)
            assert TOKEN not in shown(url, response.content), (name, url)


def test_a_tag_only_unpublished_stories_carry_answers_like_no_tag_at_all(
    client, site, alice, bob, carol, dave
):
    for name, user in viewers(alice, bob, carol, dave).items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for pattern in NAMING_THE_TAG:
            missing = client.get(pattern.format(tag="nosuchtag"))
            for tag in SECRET_TAGS:
                response = client.get(pattern.format(tag=tag))
                where = (name, pattern, tag)
                assert response.status_code == missing.status_code, where
                assert normalised(response.content, tag=tag) == normalised(
                    missing.content, tag="nosuchtag"
                ), where


def test_a_public_tag_shows_only_its_published_stories(client, site):
    page = client.get("/tags/sea/").content.decode()
    assert "Open water" in page and "Open sky" in page and "Zqxdraft" not in page


def test_tag_suggestions_offer_the_author_her_own_tags_and_nobody_else_anyones(
    client, site, alice, bob, carol, dave
):
    client.force_login(alice)
    mine = client.get(SUGGESTIONS).content.decode()
    assert "Zqxsecret" in mine and "Zqxreview" in mine
    for user in (bob, carol, dave):
        client.force_login(user)
        response = client.get(SUGGESTIONS)
        assert response.status_code == 200
        assert TOKEN not in response.content.decode().lower(), user.username
    client.logout()
    assert client.get(SUGGESTIONS).status_code in (302, 403)


def test_publishing_makes_the_tag_public_and_unpublishing_hides_it_again(
    client, site, alice, django_capture_on_commit_callbacks
):
    from byline.stories.lifecycle import story_publish

    draft = Story.objects.get(title="Zqxdraft title")
    with django_capture_on_commit_callbacks(execute=True):
        story_publish(story=draft, at=timezone.now())
    assert client.get("/tags/zqxsecret/").status_code == 200
    assert "zqxsecret" in client.get("/api/v1/tags").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        story_unpublish(story=Story.objects.get(pk=draft.pk), by=alice)
    assert client.get("/tags/zqxsecret/").status_code == 404
    assert "zqxsecret" not in client.get("/api/v1/tags").content.decode()
