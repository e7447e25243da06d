"""Creator stats in a real browser: a creator publishes a story, a reader on a phone follows a
link to it, reads it to the end and leaves an insight, and after the flush the creator's
dashboard shows the view, the read, where the reader came from and the insight, on the
dashboard and on the story's own stats page."""

import re

import pytest
from playwright.sync_api import expect

from byline.stats import reads
from byline.stats.services import view_counts_flush
from byline.tests.browser import DESKTOP, PHONE, screenshot, sign_in_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def totals(page) -> dict[str, str]:
    items = page.locator(".stats-totals__item")
    return {
        items.nth(i).locator("dt").inner_text(): items.nth(i).locator("dd").inner_text()
        for i in range(items.count())
    }


def test_a_creator_sees_a_reader_s_view_read_source_and_insight(
    page_factory, alice, bob, community, settings, monkeypatch
):
    settings.REVIEW = False
    monkeypatch.setattr(reads, "READ_TIME_SHARE", 0.01)  # the 5-second floor, not a minute

    # The creator writes and publishes a long story.
    creator = page_factory(DESKTOP)
    sign_in_to(creator, "alice", "/write/")
    creator.fill("input[name=title]", "Tides of the Estuary")
    paragraphs = "\n\n".join(f"Paragraph {n}: the water rose and fell. " * 6 for n in range(40))
    creator.locator("textarea[name=body]").fill(paragraphs)
    creator.locator("#editor-status").get_by_text(re.compile(r"Saved at")).wait_for()
    creator.select_option("select[name=community]", label=community.name)
    creator.get_by_role("button", name="Publish").click()
    creator.wait_for_load_state()
    creator.goto("/me/stats/")
    expect(creator.get_by_role("link", name="Tides of the Estuary")).to_be_visible()
    assert totals(creator)["Views, 30 days"] == "0"

    # A reader on a phone opens it, reads to the end and leaves an insight.
    reader = page_factory(PHONE)
    sign_in_to(reader, "bob", "/")
    reader.goto("/")
    reader.get_by_role("link", name="Tides of the Estuary").first.click()
    reader.wait_for_url("**/@alice/**")

    def is_read(request) -> bool:
        return request.url.endswith("/stats/read") and "event=read" in (request.post_data or "")

    with reader.expect_request(is_read, timeout=20_000) as sent:
        for _ in range(30):
            reader.mouse.wheel(0, 800)
            reader.wait_for_timeout(100)
    assert sent.value.method == "POST"
    assert sent.value.response().status == 204
    insights = reader.locator("#story-insights")
    insights.get_by_text("Add your insights").click()
    insights.get_by_role("button", name=re.compile("^Eye opening")).click()
    expect(insights.get_by_role("button", name=re.compile("^Eye opening"))).to_have_attribute(
        "aria-pressed", "true"
    )
    assert reader.errors == []
    # Leaving the page says how far the reader got (the whole text).
    reader.goto("/")
    reader.wait_for_timeout(500)

    # After the flush the creator sees all three.
    view_counts_flush()
    creator.goto("/me/stats/?period=7")
    found = totals(creator)
    assert (found["Views, 7 days"], found["Reads, 7 days"], found["Read ratio"]) == (
        "1",
        "1",
        "100 %",
    )
    assert found["New insights"] == "1"
    # The reader followed a link on this site's home page.
    expect(creator.locator(".stats-source").first).to_contain_text("This site")
    screenshot(creator, "stats-dashboard-desktop")
    creator.get_by_role("link", name="Tides of the Estuary").click()
    creator.wait_for_url(re.compile(r"/me/stats/\d+/"))
    expect(creator.locator(".stats-breakdown")).to_contain_text("Eye opening")
    expect(creator.locator(".stats-depth")).to_contain_text("The end")
    assert totals(creator)["Reads, 7 days"] == "1"
    assert creator.errors == []

    phone = page_factory(PHONE)
    sign_in_to(phone, "alice", "/me/stats/")
    screenshot(phone, "stats-dashboard-phone")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.get_by_role("link", name="Tides of the Estuary").click()
    phone.wait_for_url(re.compile(r"/me/stats/\d+/"))
    expect(phone.locator(".stats-depth")).to_be_visible()
    screenshot(phone, "story-stats-phone")
    # Every table scrolls in its own box: the page itself never scrolls sideways on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
