"""Shared set-up for real-browser tests: Playwright driving Debian's Chromium.

Only pages on the live server are loaded; any other request is aborted, so a test can never
reach outside this machine. An alert() dialog fails the test: it means a script ran.
"""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = os.environ.get("BYLINE_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "shots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


CAST_PASSWORD = "correct horse battery staple"  # the test cast's (byline/conftest.py)


def sign_in_to(page, handle: str, next_url: str, password: str = CAST_PASSWORD) -> None:
    """Sign in through the site's form and land on `next_url`."""
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=login]", handle)
    page.fill("input[name=password]", password)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()
    page.wait_for_url(f"**{next_url}")
