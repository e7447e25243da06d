"""A new creator's whole path in a real browser: sign up, verify, write with autosave, submit,
get rejected with a reason, edit, resubmit, get approved, and find the story on the site."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from byline.conftest import image_file, make_story
from byline.tests.browser import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and unusual passphrase 42"
CAST_PASSWORD = "correct horse battery staple"


def sign_up(
    page, *, handle: str, email: str, password: str, display_name: str | None = None
) -> None:
    """Sign up through allauth's page and verify the e-mail address from the outbox.

    Kept in one place so the accounts branch's extra fields (display name, …) are added here.
    """
    page.goto("/accounts/signup/")
    page.get_by_label("Display name").fill(display_name or handle.capitalize())
    page.fill("input[name=email]", email)
    page.fill("input[name=username]", handle)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.locator("form:has(input[name=password1]) [type=submit]").click()
    page.wait_for_load_state()
    message = next(m for m in reversed(mail.outbox) if email in m.to)
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", message.body).group(0)
    page.goto(link[link.index("/accounts/") :])
    page.locator("main form [type=submit], form[action*=confirm-email] [type=submit]").first.click()
    page.wait_for_load_state()


def sign_in(page, login: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()
    assert is_signed_in(page)


def is_signed_in(page) -> bool:
    """The header's account menu (a closed disclosure holding "Sign out") shows when signed in."""
    return page.locator(".account-menu summary").is_visible()


def sign_out(page) -> None:
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_a_new_creator_goes_from_sign_up_to_a_published_story(
    page_factory, carol, community, tmp_path
):
    hero = tmp_path / "hero.jpg"
    hero.write_bytes(image_file(size=(1200, 675)).read())
    page = page_factory(DESKTOP)

    sign_up(page, handle="newbie", email="newbie@example.org", password=PASSWORD)
    if not is_signed_in(page):
        sign_in(page, "newbie", PASSWORD)

    # Write: the header's Write link opens the editor.
    page.get_by_role("link", name="Write", exact=True).click()
    page.wait_for_url("**/write/")
    page.fill("input[name=title]", "Lanterns on the Water")
    page.fill("input[name=subtitle]", "A night festival, remembered")
    body = page.locator("textarea[name=body]")
    body.fill("The river was full of small lights.\n\nWe walked along it until midnight.")
    # The live preview renders the Markdown; autosave creates the draft and moves to its address.
    page.locator("#preview").get_by_text("We walked along it until midnight.").wait_for()
    page.locator("#editor-status").get_by_text(re.compile(r"Saved at \d\d:\d\d")).wait_for()
    page.wait_for_url(re.compile(r"/write/\d+/$"))
    # The toolbar edits the selection: make the first words bold.
    body.evaluate("el => el.setSelectionRange(0, 9)")
    page.get_by_role("button", name="Bold").click()
    assert body.input_value().startswith("**The river**")
    page.locator("#editor-status").get_by_text(re.compile(r"Saved at")).wait_for()

    page.select_option("select[name=community]", label=community.name)
    page.fill("input[name=tags]", "Festivals, Night")
    page.set_input_files("input[name=hero_image]", str(hero))
    page.fill("input[name=hero_image_caption]", "Lanterns drifting downstream.")
    page.fill("input[name=hero_image_credit]", "Photo: Newbie")
    screenshot(page, "editor-flow-desktop")
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url("**/me/stories/?tab=submitted")
    assert page.get_by_role("link", name="Lanterns on the Water").is_visible()

    # A moderator rejects it with a reason.
    sign_out(page)
    sign_in(page, "carol", CAST_PASSWORD)
    page.get_by_role("link", name="My stories").click()
    # The button on My stories (with the queue's count), not the header's link.
    page.get_by_role("main").get_by_role("link", name=re.compile("^Moderation")).click()
    page.get_by_role("link", name="Lanterns on the Water").click()
    assert page.locator(".story-hero img").evaluate("img => img.naturalWidth") > 0
    page.select_option("select[name=preset]", value="quality")
    page.fill("form[action*=reject] textarea[name=note]", "Tell us what happened at midnight.")
    page.get_by_role("button", name="Reject with this reason").click()
    page.wait_for_url("**/moderation/")

    # The author sees the reason, edits and resubmits.
    sign_out(page)
    sign_in(page, "newbie", PASSWORD)
    page.get_by_role("link", name="My stories").click()
    page.get_by_role("link", name=re.compile("Rejected")).click()
    assert page.get_by_text("Tell us what happened at midnight.").is_visible()
    page.get_by_role("link", name="Edit and resubmit").click()
    assert page.get_by_text("Tell us what happened at midnight.").is_visible()
    page.locator("textarea[name=body]").press("End")
    page.locator("textarea[name=body]").evaluate(
        "el => { el.value += '\\n\\nAt midnight the last lantern went out.';"
        " el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    page.locator("#editor-status").get_by_text(re.compile(r"Saved at")).wait_for()
    page.get_by_role("button", name="Resubmit for review").click()
    page.wait_for_url("**/me/stories/?tab=submitted")

    # The moderator approves.
    sign_out(page)
    sign_in(page, "carol", CAST_PASSWORD)
    page.goto("/moderation/")
    page.get_by_role("link", name="Lanterns on the Water").click()
    assert page.get_by_text("At midnight the last lantern went out.").is_visible()
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_url("**/moderation/")
    assert page.get_by_text("The queue is empty").is_visible()

    # Published: on the home page and on its community's page, for anyone.
    sign_out(page)
    page.goto("/")
    page.get_by_role("link", name="Lanterns on the Water").first.wait_for()
    page.goto(community.get_absolute_url())
    page.get_by_role("link", name="Lanterns on the Water").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Lanterns on the Water"
    assert page.get_by_role("link", name="Festivals").is_visible()
    assert page.errors == []


@pytest.fixture
def desk(alice, carol, community):
    """Alice's stories in every state, one waiting in the queue."""
    make_story(alice, status="draft", title="Notes toward a river atlas", community=community)
    rejected = make_story(alice, status="rejected", title="The weir keeper", community=community)
    rejected.rejection_reason = "It needs more work on spelling, grammar or formatting."
    rejected.save(update_fields=["rejection_reason"])
    from byline.moderation.services import moderation_log

    moderation_log(actor=carol, action="reject", target=rejected, reason=rejected.rejection_reason)
    make_story(alice, title="What the saltmarsh remembers", community=community)
    waiting = make_story(
        alice,
        status="draft",
        title="Herons at first light",
        subtitle="Three mornings on the estuary",
        community=community,
        tags=["Birds", "Mornings"],
        hero_image=image_file(size=(1600, 900)),
        hero_image_caption="A grey heron, very still.",
        body=(
            "## The first morning\n\nFog, and then *one* heron.\n\n> Patience is a kind of looking."
        ),
    )
    waiting.status, waiting.submitted_at = "submitted", waiting.created_at
    waiting.save(update_fields=["status", "submitted_at"])
    return waiting


@pytest.mark.parametrize(("label", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_editor_my_stories_and_queue_look_right(page_factory, desk, label, viewport):
    page = page_factory(viewport)
    sign_in(page, "alice", CAST_PASSWORD)
    page.goto(f"/write/{desk.pk}/")
    assert page.get_by_role("toolbar", name="Formatting").is_visible()
    assert page.locator("#preview h2").inner_text() == "The first morning"
    screenshot(page, f"editor-{label}")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1).map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert wide == [], wide
    page.goto(f"/write/{desk.pk}/revisions/")
    screenshot(page, f"revisions-{label}")
    page.goto("/me/stories/?tab=rejected")
    assert page.get_by_text("It needs more work on spelling").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"my-stories-{label}")
    sign_out(page)
    sign_in(page, "carol", CAST_PASSWORD)
    page.goto("/moderation/")
    assert page.get_by_role("link", name="Herons at first light").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"review-queue-{label}")
    page.get_by_role("link", name="Herons at first light").click()
    screenshot(page, f"review-story-{label}")
    page.goto("/moderation/log/")
    assert page.get_by_text("It needs more work on spelling").is_visible()
    screenshot(page, f"audit-log-{label}")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1).map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert wide == [], wide
    assert page.errors == []


def test_a_lost_connection_loses_nothing(page_factory, alice, tmp_path):
    """Offline, autosave fails: the text stays in this browser, leaving warns, and the next visit
    restores it and saves it to the server."""
    story = make_story(alice, status="draft", title="Offline notes", body="Saved on the server.")
    page = page_factory(DESKTOP)
    sign_in(page, "alice", CAST_PASSWORD)
    page.goto(f"/write/{story.pk}/")
    page.context.set_offline(True)
    page.fill("textarea[name=body]", "Typed while the train was in a tunnel")
    page.click("textarea[name=body]")  # a real gesture: browsers only warn after one
    page.keyboard.type(".")
    page.locator("#editor-status").get_by_text("kept in this browser").wait_for()

    # Leaving now warns (the warning is dismissed, so the page stays).
    with page.expect_event("dialog") as dialog:
        page.close(run_before_unload=True)
    assert dialog.value.type == "beforeunload"
    page.close()  # the tab is closed for good this time
    page.context.set_offline(False)

    again = page.context.new_page()
    again.goto(f"/write/{story.pk}/")
    assert again.locator("textarea[name=body]").input_value() == (
        "Typed while the train was in a tunnel."
    )
    assert again.get_by_text("We restored text from this browser").is_visible()
    again.locator("#editor-status").get_by_text(re.compile(r"Saved at")).wait_for()
    story.refresh_from_db()
    assert story.body == "Typed while the train was in a tunnel."


def test_toolbar_image_upload_and_tag_suggestions(page_factory, alice, tmp_path):
    make_story(alice, tags=["Birdsong", "Birds"])
    story = make_story(alice, status="draft", title="With pictures", body="Intro.")
    photo = tmp_path / "heron.png"
    photo.write_bytes(image_file(fmt="PNG", name="heron.png").read())
    page = page_factory(DESKTOP)
    sign_in(page, "alice", CAST_PASSWORD)
    page.goto(f"/write/{story.pk}/")

    body = page.locator("textarea[name=body]")
    body.evaluate("el => el.setSelectionRange(el.value.length, el.value.length)")
    page.set_input_files("[data-editor-image]", str(photo))
    page.wait_for_function(
        "() => document.querySelector('textarea[name=body]').value.includes('/media/inline/')"
    )
    assert re.search(
        r"!\[Describe the image\]\(/media/inline/\d{4}/\d\d/[\w-]+\.png\)", body.input_value()
    )
    page.locator("#preview img").wait_for()
    assert page.locator("#preview img").evaluate("img => img.naturalWidth") > 0
    page.locator("#editor-status").get_by_text(re.compile(r"Saved at")).wait_for()

    page.locator("input[name=tags]").press_sequentially("Nature, Bir")
    page.get_by_role("button", name="Birdsong").click()
    assert page.locator("input[name=tags]").input_value() == "Nature, Birdsong, "
    assert page.errors == []


def test_writing_and_submitting_work_without_javascript(browser, live_server, alice, settings):
    settings.REVIEW = True
    context = browser.new_context(
        viewport=DESKTOP, base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, "alice", CAST_PASSWORD)
    page.goto("/write/")
    assert page.get_by_role("button", name="Preview").is_visible()
    page.fill("input[name=title]", "Written the old way")
    page.fill("textarea[name=body]", "Plain *HTML* forms still work.")
    page.get_by_role("button", name="Preview").click()
    assert page.locator("#preview em").inner_text() == "HTML"
    assert page.locator("textarea[name=body]").input_value() == "Plain *HTML* forms still work."
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url("**/me/stories/?tab=submitted")
    assert page.get_by_role("link", name="Written the old way").is_visible()
    context.close()
