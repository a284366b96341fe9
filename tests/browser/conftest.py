"""Headless Debian Chromium driven by Playwright against pytest-django's live server.

The browser is Debian's headless shell (``chromium-headless-shell``, Chromium without its desktop
compositor, the build Playwright itself runs headless tests on) when it is installed: the same Blink and
V8 at about a third less CPU a page. Otherwise Debian's Chromium; CHROMIUM_PATH names another. Without
either the browser tests skip with a reason on a developer machine and fail under CI=true, where a
missing browser is a broken set-up.
"""

import os
from pathlib import Path

import pytest

from metrics.charts.rendering import BROWSERS

CHROMIUM = Path(
    os.environ.get("CHROMIUM_PATH") or next((path for path in BROWSERS if Path(path).exists()), BROWSERS[-1])
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture(scope="module")
def browser():
    """A Chromium for the tests of one module, each opening its own context (cookies, storage, viewport).

    Playwright's sync API runs an event loop in the test thread while it is started, and
    Django then refuses ORM calls there; the ORM calls these tests make (creating users,
    loading data, the flush after each test) are plain synchronous ones, so they are allowed
    while Playwright runs. Per module, not per session: every test of a browser module is a
    browser test, so no other test runs with the check off. Starting Playwright and the headless
    shell costs about 0.3 s.
    """
    if not CHROMIUM.exists():
        message = (
            f"Chromium not found at {CHROMIUM}: install Debian's Chromium "
            "(apt-get install chromium-headless-shell chromium)."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
