import datetime as dt

import pytest
from django.utils import timezone

from byline.conftest import make_story
from byline.core.models import StaticPage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("slug", "title", "text"),
    [
        ("contact", "Contact", "we read every message"),
        ("privacy", "Privacy Policy", "What we keep"),
        ("terms", "Terms of Use", "Your content"),
        ("support", "Support", "How is reading time worked out?"),
    ],
)
def test_default_static_pages_ship_with_text(client, slug, title, text):
    response = client.get(f"/pages/{slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="page-title">{title}</h1>' in html and text in html


def test_operators_can_edit_a_page_and_the_footer_follows(client, admin_client):
    page = StaticPage.objects.get(slug="contact")
    response = admin_client.post(
        f"/admin/core/staticpage/{page.pk}/change/",
        {
            "slug": "contact",
            "title": "Write to us",
            "body": "Mail **us**.",
            "in_footer": "on",
            "footer_order": 1,
        },
    )
    assert response.status_code == 302
    from django.core.cache import cache

    cache.clear()
    html = client.get("/pages/contact/").content.decode()
    assert "Write to us" in html and "Mail <strong>us</strong>." in html
    assert '<a href="/pages/contact/">Write to us</a>' in client.get("/").content.decode()


def test_footer_shows_operator_and_year_and_social_links(client, settings):
    settings.FOOTER_OWNER = "Creatd, Inc."
    settings.SOCIAL_LINKS = {"mastodon": "https://social.example/@byline", "x": ""}
    html = client.get("/").content.decode()
    assert f"© {timezone.now().year} Creatd, Inc. All Rights Reserved." in html
    assert "Find us on social media" in html
    assert 'href="https://social.example/@byline"' in html


def test_home_lists_latest_published_newest_first(client, alice):
    old = make_story(alice, title="Older", published_at=timezone.now() - dt.timedelta(days=2))
    new = make_story(alice, title="Newer")
    html = client.get("/").content.decode()
    assert html.index(new.title) < html.index(old.title)


def test_home_has_an_empty_state(client, db):
    assert b"Nothing has been published yet" in client.get("/").content


def test_lists_paginate_by_cursor_without_gaps_or_repeats(client, alice, settings):
    settings.PAGE_SIZE = 3
    base = timezone.now() - dt.timedelta(days=1)
    for n in range(7):
        make_story(alice, title=f"Numbered {n}", published_at=base + dt.timedelta(minutes=n))
    seen, url = [], "/"
    for _ in range(5):
        response = client.get(url)
        page = response.context["page"]
        seen += [story.title for story in page.items]
        if not page.has_next:
            break
        # A story published between two page loads must not shift the next page.
        make_story(alice, title=f"Fresh {len(seen)}")
        url = f"/?after={page.next_cursor}"
    assert seen == [f"Numbered {n}" for n in range(6, -1, -1)]


def test_a_garbage_cursor_shows_the_first_page(client, alice):
    make_story(alice, title="Only one")
    for cursor in ["nope", "%00", "x" * 500, "MjAyNi0wMS0wMXww"]:
        response = client.get("/", {"after": cursor})
        assert response.status_code == 200


def test_community_tag_and_creator_pages(client, story):
    assert story.title.encode() in client.get("/c/earth/").content
    assert story.title.encode() in client.get("/tags/nature/").content
    profile = client.get("/@alice").content.decode()
    assert story.title in profile and "Writes about rivers." in profile
    assert client.get("/c/nowhere/").status_code == 404
    assert client.get("/tags/nothing/").status_code == 404
    assert client.get("/@nobody").status_code == 404


def test_explore_lists_communities_and_tags(
    client, alice, community, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the counts follow after commit
        make_story(alice, community=community, tags=["Nature", "Water"])
    html = client.get("/explore/").content.decode()
    assert "Earth" in html and "Nature" in html and "1 story" in html


def test_pages_have_landmarks_and_a_skip_link(client, story):
    for url in ["/", story.get_absolute_url(), "/explore/", "/pages/privacy/"]:
        html = client.get(url).content.decode()
        for needle in [
            '<header class="site-header" role="banner">',
            '<main id="main"',
            'role="contentinfo"',
            'href="#main"',
            '<html lang="en">',
        ]:
            assert needle in html, (url, needle)


def test_security_headers_are_sent(client, story):
    response = client.get(story.get_absolute_url())
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", ["/", "/explore/?tab=trending", "/search/?q=story"])
def test_a_forged_cursor_with_an_id_beyond_bigint_shows_the_first_page(client, alice, url):
    from byline.core.pagination import _encode

    make_story(alice, title="Only story")
    for raw in [f"{timezone.now().isoformat()}|{2**70}", f"n1.5|{2**70}", "n1.5|-4"]:
        separator = "&" if "?" in url else "?"
        for key in ("after", "cursor"):
            response = client.get(f"{url}{separator}{key}={_encode(raw)}")
            assert response.status_code == 200, (url, raw)
