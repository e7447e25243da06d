"""A new person, in a real browser: sign up, verify, sign in with the handle, set up a profile
with an avatar, and see it on /@handle. Screenshots of each page on a phone and a desktop."""

import re
import time

import pytest
from django.core import mail

from byline.accounts.models import User
from byline.conftest import image_file
from byline.core.models import OutboxTask
from byline.tests.browser import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and unusual passphrase"


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(("label", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_a_new_person_signs_up_verifies_and_sets_up_a_profile(
    page_factory, tmp_path, label, viewport
):
    page = page_factory(viewport)
    page.goto("/")
    page.get_by_role("link", name="Join").click()
    page.wait_for_url("**/accounts/signup/")
    screenshot(page, f"accounts-signup-{label}")
    page.get_by_label("Display name").fill("Erin Example")
    page.get_by_label("Handle").fill("erin_writes")
    page.get_by_label("E-mail").fill("erin@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert page.get_by_role("heading", level=1).is_visible()

    # The verification link, read from the outbox (same process as the live server).
    assert mail.outbox[-1].to == ["erin@example.org"]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    page.goto(link.group(1))
    page.get_by_role("button", name="Confirm").click()

    page.goto("/accounts/login/")
    screenshot(page, f"accounts-signin-{label}")
    page.get_by_label("Handle or e-mail").fill("erin_writes")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert User.objects.get(username="erin_writes").is_active

    console = []
    page.on("console", lambda message: message.type == "error" and console.append(message.text))
    page.goto("/settings/profile/")
    assert page.evaluate("typeof htmx") == "object"  # the form is saved in place by htmx
    avatar = tmp_path / "me.jpg"
    avatar.write_bytes(image_file(size=(800, 800)).read())
    page.get_by_label("Bio").fill("I write about <tide pools>.\nAnd sometimes birds.")
    page.get_by_label("Website").fill("https://erin.example/")
    page.get_by_label("Avatar").set_input_files(str(avatar))
    with page.expect_request(lambda request: request.method == "POST") as sent:
        page.get_by_role("button", name="Save profile").click()
    assert sent.value.headers.get("hx-request") == "true"
    page.get_by_text("Your profile is saved.").wait_for()
    assert page.url.endswith("/settings/profile/")
    assert console == []  # no CSP violation, no failed request
    assert no_sideways_scroll(page)
    screenshot(page, f"accounts-settings-{label}")

    # The avatar's renditions are made after the response was sent: wait for that task (its
    # outbox row goes once it has run) before looking at the profile.
    for _ in range(200):
        if not OutboxTask.objects.exists():
            break
        time.sleep(0.05)  # waiting for the task, not timing it
    page.goto("/@erin_writes")
    assert page.get_by_role("heading", level=1).inner_text() == "Erin Example"
    assert page.locator(".profile-header__handle").inner_text() == "@erin_writes"
    assert page.get_by_text("I write about <tide pools>.").is_visible()
    image = page.locator(".profile-header img.avatar")
    assert image.evaluate("img => img.complete && img.naturalWidth") > 0
    assert image.get_attribute("srcset")  # renditions were made after the save
    assert page.get_by_role("link", name="Edit profile").is_visible()
    assert no_sideways_scroll(page)
    screenshot(page, f"accounts-profile-{label}")

    # The account menu in the header leads to settings and signs out (no script needed).
    page.locator(".account-menu summary").click()
    screenshot(page, f"accounts-menu-{label}")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    assert page.get_by_role("link", name="Sign in").is_visible()
    assert page.errors == []


@pytest.mark.parametrize(("label", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_account_pages_render_in_the_settings_layout(page_factory, alice, label, viewport):
    page = page_factory(viewport)
    page.goto("/accounts/login/")
    page.get_by_label("Handle or e-mail").fill("alice@example.org")
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    for path, heading, name in [
        ("/accounts/email/", "Account & e-mail", "email"),
        ("/accounts/password/change/", "Change Password", "password"),
        ("/settings/delete/", "Delete your account", "delete"),
    ]:
        page.goto(path)
        if "/reauthenticate/" in page.url:
            screenshot(page, f"accounts-reauthenticate-{label}")
            page.get_by_label("Password").fill("correct horse battery staple")
            page.get_by_role("button", name="Confirm").click()
            page.wait_for_url(f"**{path}")
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert page.get_by_role("navigation", name="Settings").is_visible()
        assert no_sideways_scroll(page)
        screenshot(page, f"accounts-{name}-{label}")
    # A wrong handle on the delete form keeps the account and says why.
    page.get_by_label("Type your handle to confirm").fill("bob")
    page.get_by_text("Keep them, under").click()
    page.get_by_role("button", name="Delete my account").click()
    assert page.get_by_text("That is not your handle").is_visible()
    screenshot(page, f"accounts-delete-error-{label}")
    assert page.errors == []
