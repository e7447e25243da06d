import json
import re
import xml.etree.ElementTree as ET

import pytest

from byline.conftest import make_story
from byline.discovery.sitemaps import IdRangePaginator
from byline.stories.models import Story

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(content: bytes) -> list[str]:
    return [loc.text for loc in ET.fromstring(content).iterfind(".//s:loc", NS)]


def json_ld(html: str) -> list[dict]:
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


class TestSitemap:
    def test_the_index_lists_every_section(self, client):
        sections = locations(client.get("/sitemap.xml").content)
        for name in ["pages", "stories", "communities", "tags", "creators"]:
            assert any(url.endswith(f"/sitemap-{name}.xml") for url in sections), name

    def test_sections_hold_public_things_only(self, client, alice, bob, community, settings):
        story = make_story(alice, title="Mapped", community=community, tags=["Maps"])
        make_story(bob, title="Hidden", status="draft", tags=["Secret"])
        site = settings.SITE_URL
        assert locations(client.get("/sitemap-stories.xml").content) == [
            f"{site}{story.get_absolute_url()}"
        ]
        assert locations(client.get("/sitemap-communities.xml").content) == [f"{site}/c/earth/"]
        assert locations(client.get("/sitemap-tags.xml").content) == [f"{site}/tags/maps/"]
        assert locations(client.get("/sitemap-creators.xml").content) == [f"{site}/@alice"]
        pages = locations(client.get("/sitemap-pages.xml").content)
        assert f"{site}/" in pages and f"{site}/explore/" in pages
        assert f"{site}/pages/privacy/" in pages
        assert "<lastmod>" in client.get("/sitemap-stories.xml").content.decode()

    def test_pages_are_id_ranges_not_offsets(self, alice):
        stories = [make_story(alice) for _ in range(5)]
        paginator = IdRangePaginator(Story.objects.published(), 2)
        top = stories[-1].pk
        assert paginator.num_pages == -(-top // 2)
        collected = []
        for n in range(1, paginator.num_pages + 1):
            collected += paginator.page(n).object_list
        assert sorted(s.pk for s in collected) == [s.pk for s in stories]

    def test_a_page_past_the_end_is_404(self, client, alice):
        make_story(alice)
        assert client.get("/sitemap-stories.xml", {"p": 999999}).status_code == 404
        assert client.get("/sitemap-stories.xml", {"p": "x"}).status_code == 404


def test_robots_txt(client, settings):
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    for line in [
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /settings/",
        "Disallow: /moderation/",
    ]:
        assert line in text
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text


class TestStructuredData:
    def test_story_breadcrumbs(self, client, story, settings):
        [article, crumbs] = json_ld(client.get(story.get_absolute_url()).content.decode())
        assert article["@type"] == "Article"
        assert crumbs["@type"] == "BreadcrumbList"
        assert [item["name"] for item in crumbs["itemListElement"]] == [
            settings.SITE_NAME,
            "Earth",
            "The River Remembers",
        ]
        assert (
            crumbs["itemListElement"][2]["item"] == f"{settings.SITE_URL}{story.get_absolute_url()}"
        )

    def test_person_on_the_profile(self, client, alice, settings):
        [data] = json_ld(client.get("/@alice").content.decode())
        person = data["mainEntity"]
        assert person["@type"] == "Person" and person["name"] == "Alice Archer"
        assert person["url"] == f"{settings.SITE_URL}/@alice"
        assert person["sameAs"] == ["https://alice.example.org/"]

    def test_community_and_tag_breadcrumbs(self, client, story):
        [crumbs] = json_ld(client.get("/c/earth/").content.decode())
        assert [i["name"] for i in crumbs["itemListElement"]][1:] == ["Communities", "Earth"]
        [crumbs] = json_ld(client.get("/tags/nature/").content.decode())
        assert [i["name"] for i in crumbs["itemListElement"]][1:] == ["Explore", "Nature"]

    def test_text_cannot_break_out_of_the_script(self, client, alice, community):
        community.name = "</script><script>alert(1)</script>"
        community.save()
        html = client.get("/c/earth/").content.decode()
        assert "<script>alert(1)" not in html

    def test_list_pages_are_canonical_without_the_cursor(self, client, story, settings):
        for url in ["/c/earth/", "/tags/nature/", "/@alice"]:
            html = client.get(url, {"after": "abc"}).content.decode()
            assert f'<link rel="canonical" href="{settings.SITE_URL}{url}">' in html
