"""The API docs page and the token page in a real browser, under the site's CSP."""

from __future__ import annotations

import pytest
from django.test import Client

from byline.api.models import ApiToken
from byline.tests.browser import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return violations


def signed_in(page, user, live_server) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_the_docs_page_runs_its_scripts_without_csp_violations(page_factory, db):
    page = page_factory(DESKTOP)
    violations = watch_csp(page)
    page.goto("/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Byline API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() > 20  # every operation is listed
    screenshot(page, "api-docs-desktop")
    assert violations == []
    assert page.errors == []


@pytest.mark.parametrize(("label", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_a_creator_creates_sees_once_and_revokes_a_token(
    page_factory, live_server, alice, label, viewport
):
    page = page_factory(viewport)
    violations = watch_csp(page)
    signed_in(page, alice, live_server)
    page.goto("/settings/tokens/")
    assert page.get_by_text("No tokens yet").is_visible()
    page.get_by_label("Name").fill("Publishing script")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#token-secret-value").input_value()
    assert secret.startswith("byl_")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"api-tokens-{label}")

    page.goto("/settings/tokens/")
    assert secret not in page.content()
    # With JavaScript, htmx swaps the row in place (without, the form posts and redirects).
    page.get_by_role("button", name="Revoke Publishing script").click()
    page.locator(".token-badge--revoked").wait_for()
    assert page.get_by_role("button", name="Revoke Publishing script").count() == 0
    assert ApiToken.objects.get().revoked_at is not None
    for path in ("/settings/export/", "/settings/import/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, f"api-{path.strip('/').replace('/', '-')}-{label}")
    assert violations == []
    assert page.errors == []
