import datetime as dt

import pytest
from django.utils import timezone

from byline.conftest import image_file, make_story, make_user
from byline.discovery.models import StaffPick
from byline.discovery.services import trending_recompute
from byline.stories.models import Story
from byline.tests.browser import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(alice, community):
    from byline.communities.models import Community

    bob = make_user("bob", display_name="Bob Tidewater")
    Community.objects.create(
        name="Food", slug="food", description="Recipes and the people behind them."
    )
    Community.objects.create(name="Poetry", slug="poetry", description="Short lines, long echoes.")
    now = timezone.now()
    stories = [
        make_story(
            alice,
            title="The River Remembers",
            subtitle="What a flood leaves behind",
            community=community,
            tags=["Nature", "Water"],
            hero_image=image_file(size=(1600, 900)),
            body="The river rose in the night.\n\n" + "Mud, stones and memory. " * 60,
            published_at=now - dt.timedelta(hours=3),
        ),
        make_story(
            bob,
            title="Notes on Tides",
            subtitle="The moon and a river mouth",
            community=community,
            tags=["Sea"],
            body="Where the river meets the sea, tides argue twice a day.",
            published_at=now - dt.timedelta(hours=8),
        ),
        make_story(
            alice,
            title="Bread for Slow Mornings",
            subtitle="A loaf that waits for you",
            tags=["Baking"],
            body="Flour, water, salt and patience.",
            published_at=now - dt.timedelta(days=2),
        ),
    ]
    Story.objects.filter(pk=stories[1].pk).update(like_count=12, comment_count=3)
    StaffPick.objects.create(story=stories[0])
    trending_recompute()
    return stories


@pytest.mark.parametrize(("label", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_a_reader_searches_from_the_header_and_opens_a_result(
    page_factory, seeded, label, viewport
):
    page = page_factory(viewport)
    page.goto("/")
    screenshot(page, f"discovery-home-{label}")
    box = page.get_by_role("searchbox", name="Search").first
    box.fill("river")
    box.press("Enter")
    page.wait_for_url("**/search/?q=river")
    hits = page.locator(".search-hit")
    assert hits.count() == 2
    assert hits.first.locator("mark").first.inner_text().lower() == "river"
    screenshot(page, f"discovery-search-{label}")

    hits.first.locator(".search-hit__title a").click()
    page.wait_for_url("**/@alice/the-river-remembers")
    assert page.get_by_role("heading", level=1).inner_text() == "The River Remembers"

    page.goto("/explore/")
    screenshot(page, f"discovery-explore-{label}")
    page.get_by_role("link", name="Trending", exact=True).last.click()
    page.wait_for_url("**/explore/?tab=trending")
    assert page.locator(".card__title").first.inner_text() == "Notes on Tides"
    assert page.errors == []
