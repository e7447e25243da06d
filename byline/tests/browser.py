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
