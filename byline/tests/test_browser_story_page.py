import pytest

from byline.conftest import image_file, make_story
from byline.tests.browser import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(alice, community):
    from byline.comments.services import comment_create
    from byline.conftest import make_user

    story = make_story(
        alice,
        title="The River Remembers",
        community=community,
        tags=["Nature"],
        hero_image=image_file(size=(1600, 900)),
        hero_image_caption="The river at dawn.",
        hero_image_credit="Photo: Alice",
        body="Opening paragraph.\n\n## First part\n\n" + "Words and more words. " * 200,
    )
    comment_create(story=story, author=make_user("reader1"), body="A *fine* piece.")
    return story


@pytest.mark.parametrize(("label", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_home_and_story_page_render_on_phone_and_desktop(page_factory, seeded, label, viewport):
    page = page_factory(viewport)
    page.goto("/")
    assert page.get_by_role("link", name="The River Remembers").first.is_visible()
    screenshot(page, f"home-{label}")

    page.get_by_role("link", name="The River Remembers").first.click()
    page.wait_for_url("**/@alice/the-river-remembers")
    assert page.get_by_role("heading", level=1).inner_text() == "The River Remembers"
    assert page.get_by_text("min read").is_visible()
    assert page.locator(".story-hero img").evaluate("img => img.naturalWidth") > 0
    assert page.get_by_role("heading", name="About the Creator").is_visible()
    assert page.get_by_role("heading", name="Reader insights").is_visible()
    assert page.get_by_text("A fine piece.").is_visible()
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"story-{label}")
    assert page.errors == []


def test_how_it_works_explainer_opens_with_the_keyboard(page_factory, seeded):
    page = page_factory()
    page.goto(seeded.get_absolute_url())
    summary = page.get_by_text("How does it work?")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.get_by_text("Each reader counts once per insight").is_visible()
