"""Issue 4, tried as people would in a real browser: a reader signs in, adds two insights and
comments; another reader replies; the author sees both notifications; a moderator hides the
reply after a report. Counts and empty states are checked at every step."""

import re

import pytest
from playwright.sync_api import expect

from byline.conftest import make_story
from byline.tests.browser import DESKTOP, PHONE, screenshot, sign_in_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_console(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    return problems


def test_readers_talk_back_from_insight_to_moderation(page_factory, alice, bob, dave, carol):
    story = make_story(alice, title="The River Remembers", body="Words. " * 300)
    url = story.get_absolute_url()

    # Bob, a reader, signs in and finds both empty states.
    reader = page_factory()
    reader_console = watch_console(reader)
    sign_in_to(reader, "bob", url)
    insights = reader.locator("#story-insights")
    comments = reader.locator("#story-comments")
    expect(insights).to_contain_text("Be the first to share your insights about this piece.")
    expect(comments).to_contain_text("There are no comments for this story")

    # Two insights, added in place (htmx), each pressed state and count right after each click.
    insights.get_by_text("Add your insights").click()
    insights.get_by_role("button", name=re.compile("^Eye opening")).click()
    expect(insights.get_by_role("button", name=re.compile("^Eye opening"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(insights).not_to_contain_text("Be the first to share your insights")
    insights.get_by_role("button", name=re.compile("^Heartfelt and relatable")).click()
    expect(
        insights.get_by_role("button", name=re.compile("^Heartfelt and relatable"))
    ).to_have_attribute("aria-pressed", "true")
    top = insights.locator(".insights__list .insight")
    expect(top).to_have_count(2)
    expect(top.first.locator(".insight__count")).to_have_text("1")
    assert reader.url.endswith(url), "htmx updated the section without leaving the page"

    # Bob comments.
    comments.get_by_label("Add a comment").fill("The *second* part moved me.")
    comments.get_by_role("button", name="Post comment").click()
    expect(comments.locator(".comment")).to_have_count(1)
    expect(comments.locator(".comment__body em")).to_have_text("second")
    expect(comments).not_to_contain_text("There are no comments for this story")
    expect(comments.locator(".count-badge")).to_have_text("1")
    screenshot(reader, "engage-story-reader-desktop")

    # Sorting swaps the section in place.
    comments.get_by_role("link", name="Newest first").click()
    expect(
        reader.locator("#story-comments").get_by_role("link", name="Newest first")
    ).to_have_attribute("aria-current", "true")
    expect(reader.locator("#story-comments .comment")).to_have_count(1)
    assert reader.url.endswith(url)

    # ...and hearts it: the count changes in place.
    reader.locator(".like__button").click()
    expect(reader.locator(".like__button")).to_have_attribute("aria-pressed", "true")
    expect(reader.locator(".like__count")).to_have_text("1")

    # Dave, another reader, replies to Bob's comment.
    other = page_factory(PHONE)
    other_console = watch_console(other)
    sign_in_to(other, "dave", url)
    other_comments = other.locator("#story-comments")
    other_comments.locator(".comment__action > summary", has_text="Reply").first.click()
    other_comments.get_by_label("Reply to Bob Reader").fill("Same here: I read it twice.")
    other_comments.get_by_role("button", name="Post reply").click()
    reply = other_comments.locator(".comment--reply")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text("Same here: I read it twice.")
    expect(other_comments.locator(".count-badge")).to_have_text("2")
    screenshot(other, "engage-story-reader-phone")

    # Alice, the author, sees both notifications under the bell, and every insight count.
    author = page_factory()
    author_console = watch_console(author)
    sign_in_to(author, "alice", url)
    # Two comments, one grouped insight row, one like.
    expect(author.locator(".bell__count")).to_have_text("4")
    author_insights = author.locator("#story-insights")
    expect(author_insights).to_contain_text("Only you see every count")
    expect(author_insights.locator(".insight")).to_have_count(9)  # 3 ratings + 6 insights
    screenshot(author, "engage-story-author-desktop")
    author.locator(".bell").click()
    author.wait_for_url("**/notifications/")
    inbox = author.locator(".notification-list")
    expect(inbox).to_contain_text("Bob Reader commented on “The River Remembers”")
    expect(inbox).to_contain_text("Dave Outsider commented on “The River Remembers”")
    expect(inbox).to_contain_text("Bob Reader shared insights on “The River Remembers”")
    expect(inbox).to_contain_text("Bob Reader liked “The River Remembers”")
    screenshot(author, "engage-notifications-desktop")
    author.get_by_role("button", name="Mark all as read").click()
    expect(author.locator(".notification--unread")).to_have_count(0)
    expect(author.get_by_text("You are all caught up.")).to_be_visible()

    # Bob reports Dave's reply.
    reader.reload()
    reader.locator(".comment--reply .comment__report").click()
    reader.get_by_label("Harassment or hate").check()
    reader.get_by_label(re.compile("Anything the moderators should know")).fill("Mocking me.")
    reader.get_by_role("button", name="Send report").click()
    reader.wait_for_url(f"**{url}*")
    expect(reader.get_by_text("A moderator will look at your report.")).to_be_visible()

    # Carol, a moderator, hides the reply from the queue.
    moderator = page_factory(PHONE)
    moderator_console = watch_console(moderator)
    sign_in_to(moderator, "carol", "/moderation/reports/")
    queue = moderator.locator(".report-list .report")
    expect(queue).to_have_count(1)
    expect(queue.first).to_contain_text("Same here: I read it twice.")
    screenshot(moderator, "engage-reports-phone")
    queue.first.get_by_placeholder(re.compile("Reason")).fill("Please keep it kind.")
    queue.first.get_by_role("button", name="Hide comment").click()
    expect(moderator.get_by_text("The comment is hidden.")).to_be_visible()
    expect(moderator.get_by_text("No open reports")).to_be_visible()

    # Everyone now sees one comment; Dave hears about the decision.
    reader.goto(url)
    expect(reader.locator("#story-comments .comment")).to_have_count(1)
    expect(reader.locator("#story-comments")).not_to_contain_text("Same here")
    expect(reader.locator("#story-comments .count-badge")).to_have_text("1")
    other.goto("/notifications/")
    expect(other.locator(".notification-list")).to_contain_text(
        "A moderator hid your comment on “The River Remembers”: Please keep it kind."
    )
    screenshot(other, "engage-notifications-phone")

    for page in (reader, other, author, moderator):
        assert page.errors == []
    assert reader_console + other_console + author_console + moderator_console == []


@pytest.mark.parametrize(("label", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_reports_queue_and_story_sections_look_right(
    page_factory, alice, bob, carol, label, viewport
):
    from byline.comments.services import comment_create
    from byline.insights.services import insight_add, rating_set
    from byline.moderation.services import report_create

    story = make_story(alice, title="The River Remembers", body="Words. " * 300)
    rating_set(story=story, reader=bob, value="outstanding")
    insight_add(story=story, reader=bob, kind="storytelling")
    comment = comment_create(
        story=story, author=bob, body="A *fine* piece, with a [link](https://example.org)."
    )
    report_create(reporter=carol, comment=comment, reason="spam", details="Looks like an ad.")
    page = page_factory(viewport)
    sign_in_to(page, "carol", "/moderation/reports/")
    expect(page.locator(".report")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"engage-reports-{label}")
    page.goto(story.get_absolute_url() + "#story-insights")
    expect(page.locator("#story-insights")).to_contain_text("Outstanding")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#story-insights").get_by_text("Add your insights").click()
    expect(page.get_by_role("button", name=re.compile("Outstanding"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"engage-story-{label}")
    sections = page.locator("#story-insights, #story-comments")
    page.locator("#story-insights").screenshot(
        path=str(screenshot(page, f"engage-insights-{label}"))
    )
    assert sections.count() == 2
    assert page.errors == []
