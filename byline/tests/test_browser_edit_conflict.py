"""Two tabs on the same story in a real browser: the stale tab's "Update story" overwrites
nothing, shows both versions, keeps what was typed, and lets the author choose."""

from __future__ import annotations

import pytest

from byline.conftest import make_story
from byline.stories.models import Story
from byline.tests.browser import DESKTOP, PHONE, screenshot
from byline.tests.test_browser_writing import CAST_PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def second_tab(page):
    """Another tab of the same browser (the same session), with the same error watch."""
    tab = page.context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.on("dialog", lambda dialog: (tab.errors.append(dialog.message), dialog.dismiss()))
    return tab


def test_a_stale_tab_cannot_overwrite_newer_text_without_the_author_choosing(page_factory, alice):
    story = make_story(alice, title="Two tabs", body="The first text.")
    tab_a = page_factory(DESKTOP)
    sign_in(tab_a, "alice", CAST_PASSWORD)
    tab_b = second_tab(tab_a)
    edit = f"/write/{story.pk}/"
    tab_a.goto(edit)
    tab_b.goto(edit)

    tab_b.fill("textarea[name=body]", "Tab B saved this newer text.")
    tab_b.get_by_role("button", name="Update story").click()
    tab_b.wait_for_load_state()
    assert "Story updated" in tab_b.content()

    tab_a.fill("textarea[name=body]", "Tab A typed this, an hour later.")
    tab_a.get_by_role("button", name="Update story").click()
    tab_a.wait_for_load_state()
    conflict = tab_a.locator("#editor-conflict")
    assert conflict.is_visible()
    assert "Not saved: there is a newer version" in conflict.inner_text()
    assert tab_a.locator("#conflict-saved-body").input_value() == "Tab B saved this newer text."
    assert tab_a.locator("textarea[name=body]").input_value() == "Tab A typed this, an hour later."
    screenshot(tab_a, "edit-conflict-desktop")
    assert Story.objects.get(pk=story.pk).body == "Tab B saved this newer text."

    tab_a.set_viewport_size(PHONE)
    screenshot(tab_a, "edit-conflict-phone")
    tab_a.get_by_role("button", name="Save mine over it").click()
    tab_a.wait_for_load_state()
    assert "Story updated" in tab_a.content()
    assert Story.objects.get(pk=story.pk).body == "Tab A typed this, an hour later."
    assert not tab_a.errors and not tab_b.errors


def test_keeping_the_saved_version_discards_the_stale_tab(page_factory, alice):
    story = make_story(alice, title="Two tabs", body="The first text.")
    tab_a = page_factory(DESKTOP)
    sign_in(tab_a, "alice", CAST_PASSWORD)
    tab_b = second_tab(tab_a)
    tab_a.goto(f"/write/{story.pk}/")
    tab_b.goto(f"/write/{story.pk}/")
    tab_b.fill("textarea[name=body]", "Newer.")
    tab_b.get_by_role("button", name="Update story").click()
    tab_b.wait_for_load_state()
    tab_a.fill("textarea[name=body]", "Older.")
    tab_a.get_by_role("button", name="Update story").click()
    tab_a.wait_for_load_state()
    tab_a.get_by_role("link", name="Keep the saved version").click()
    tab_a.wait_for_load_state()
    assert tab_a.locator("textarea[name=body]").input_value() == "Newer."
    assert Story.objects.get(pk=story.pk).body == "Newer."
