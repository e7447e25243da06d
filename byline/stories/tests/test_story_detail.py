import datetime as dt

import pytest
from django.utils import timezone

from byline.comments.services import comment_create
from byline.conftest import make_story
from byline.insights.models import Insight, Rating
from byline.stories.services import story_change_slug

pytestmark = pytest.mark.django_db


def test_it_shows_every_element_of_the_story_page_in_order(client, story, bob):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    order = [
        'class="story-community" href="/c/earth/"',
        "Earth",
        '<h1 id="story-title" class="story-title">The River Remembers</h1>',
        '<p class="story-subtitle">A subtitle</p>',
        'By <a href="/@alice" rel="author">Alice Archer</a>',
        "Published <time datetime=",
        "1 min read",
        '<div class="story-body prose" data-story-body>',
        '<a class="tag" href="/tags/nature/" rel="tag">Nature</a>',
        "About the Creator",
        "Writes about rivers.",
        'href="https://alice.example.org/"',
        "Reader insights",
        "Be the first to share your insights about this piece.",
        "How does it work?",
        "Comments",
        "There are no comments for this story",
        "Be the first to respond and start the conversation.",
        "Sign in to comment",
        "Explore",
        "Contact",
        "Privacy Policy",
        "Terms of Use",
        "Support",
        f"© {timezone.now().year} ",
    ]
    position = 0
    for needle in order:
        found = html.find(needle, position)
        assert found >= 0, f"{needle!r} missing or out of order"
        position = found


def test_publish_time_is_relative_with_the_exact_date_in_the_time_element(client, alice):
    published = timezone.now() - dt.timedelta(days=400)
    story = make_story(alice, published_at=published)
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'<time datetime="{published.isoformat()}"' in html.replace("+00:00", "+00:00")
    assert "Published" in html and "about a year ago</time>" in html


def test_hero_image_with_caption_and_credit(client, alice, settings):
    from byline.conftest import image_file

    story = make_story(
        alice,
        hero_image=image_file(size=(1600, 900)),
        hero_image_caption='Paul Nash, "Void", 1918.',
        hero_image_credit="Public Domain",
    )
    html = client.get(story.get_absolute_url()).content.decode()
    assert '<figure class="story-hero">' in html
    assert 'width="1600" height="900"' in html
    assert "Paul Nash, &quot;Void&quot;, 1918." in html
    assert '<span class="story-hero__credit">Public Domain</span>' in html


@pytest.mark.parametrize(
    ("media_url", "expected"),
    [
        ("/media/", "http://testserver/media/"),
        ("https://media.example.org/", "https://media.example.org/"),
    ],
)
def test_the_hero_image_link_for_search_engines_is_absolute_wherever_media_live(
    client, alice, settings, media_url, expected
):
    """JSON-LD names the hero image by an absolute address: on this site, or on the media host
    when BYLINE_MEDIA_URL is one (never the site's address glued to the host's)."""
    import json
    import re

    from byline.conftest import image_file

    settings.SITE_URL = "http://testserver"
    settings.MEDIA_URL = media_url
    story = make_story(alice, hero_image=image_file(size=(1600, 900)))
    html = client.get(story.get_absolute_url()).content.decode()
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(found.group(1))
    assert data["image"].startswith(expected)
    assert data["image"].endswith(story.hero_image.name)
    for meta in ('property="og:image"', 'name="twitter:image"'):
        assert f'<meta {meta} content="{data["image"]}">' in html


def test_metadata_for_sharing_and_search(client, story, settings):
    html = client.get(story.get_absolute_url()).content.decode()
    canonical = f"{settings.SITE_URL}{story.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert '<meta property="og:title" content="The River Remembers">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card"' in html
    assert '"@type":"Article"' in html and '"headline":"The River Remembers"' in html


def test_user_text_in_metadata_is_escaped(client, alice):
    story = make_story(alice, title='</script><script>alert(1)</script>"><b>x')
    html = client.get(story.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert '"><b>x' not in html


def test_the_empty_insight_and_comment_states_turn_into_counts(client, story, bob, dave):
    Rating.objects.create(story=story, reader=bob, value="outstanding")
    Insight.objects.create(story=story, reader=bob, kind="eye_opening")
    Insight.objects.create(story=story, reader=dave, kind="eye_opening")
    comment_create(story=story, author=bob, body="Lovely *piece*.")
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Be the first to share your insights" not in html
    assert "Outstanding" in html and "Eye opening" in html
    assert "There are no comments for this story" not in html
    assert "Lovely <em>piece</em>." in html


def test_it_shows_a_sign_in_prompt_to_visitors_but_not_to_readers(client, story, bob):
    assert "Sign in to comment" in client.get(story.get_absolute_url()).content.decode()
    client.force_login(bob)
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Sign in to comment" not in html
    assert "Add your insights" in html


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
@pytest.mark.parametrize("viewer", [None, "bob", "dave", "mallory"])
def test_it_hides_unpublished_stories_from_everyone_but_author_and_moderators(
    client, request, alice, status, viewer
):
    story = make_story(alice, status=status, title="Secret draft")
    if viewer:
        client.force_login(request.getfixturevalue(viewer))
    response = client.get(story.get_absolute_url())
    assert response.status_code == 404
    assert b"Secret draft" not in response.content


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_author_and_moderator_see_unpublished_stories(client, alice, carol, status):
    story = make_story(alice, status=status, title="Secret draft")
    for viewer in (alice, carol):
        client.force_login(viewer)
        response = client.get(story.get_absolute_url())
        assert response.status_code == 200
        assert b'<meta name="robots" content="noindex">' in response.content


def test_a_story_scheduled_for_later_is_not_public_yet(client, alice):
    story = make_story(alice, published_at=timezone.now() + dt.timedelta(days=1))
    assert client.get(story.get_absolute_url()).status_code == 404


def test_unpublished_stories_are_not_listed(client, alice, community):
    make_story(alice, status="draft", title="Hidden one", community=community, tags=["Nature"])
    for url in ["/", "/c/earth/", "/tags/nature/", "/@alice", "/explore/"]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert b"Hidden one" not in response.content, url


def test_an_old_slug_redirects_to_the_new_address(client, story):
    old_url = story.get_absolute_url()
    story_change_slug(story=story, slug="a-new-name")
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == "/@alice/a-new-name"
    assert client.get("/@alice/a-new-name").status_code == 200


def test_a_handle_in_other_case_redirects_to_the_canonical_address(client, story):
    response = client.get("/@ALICE/" + story.slug)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_unknown_story_is_a_friendly_404(client, alice):
    response = client.get("/@alice/nothing-here")
    assert response.status_code == 404
    assert b"We couldn't find that page" in response.content


@pytest.mark.usefixtures("no_comment_limits")
def test_story_page_query_count_does_not_grow_with_comments(
    client, story, bob, django_assert_max_num_queries
):
    for n in range(15):
        comment_create(story=story, author=bob, body=f"comment {n}")
    with django_assert_max_num_queries(12):
        client.get(story.get_absolute_url())
