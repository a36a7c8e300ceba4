"""Browser tests' set-up: the app on a live loopback server, Debian's Chromium, axe-core.

Playwright drives the system Chromium (``/usr/bin/chromium``): no browser is
downloaded. ``.ci/run`` installs Chromium and sets WHOLESTORY_TEST_REQUIRE_BROWSER=1,
so a missing browser fails CI instead of skipping. Screenshots of each journey
are kept in ``test-artifacts/screenshots/`` (git-ignored) for people to look at.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

# Playwright's synchronous API keeps an event loop on the test's thread; the Django
# calls the tests make beside it (a user's TOTP code) are plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).parent.parent / "test-artifacts" / "screenshots"


def chromium_path() -> str:
    """The system Chromium, or skip (fail under CI) when there is none."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("WHOLESTORY_TEST_REQUIRE_BROWSER") == "1":
        pytest.fail("Chromium is not installed but the browser tests are required")
    pytest.skip("install Chromium (apt-get install chromium) to run the browser tests")


class LiveServer:
    """The Django app served on a loopback port from a thread, as a browser sees it."""

    def __init__(self) -> None:
        from django.core.handlers.wsgi import WSGIHandler  # noqa: F401 (loaded before the thread)
        from django.test.testcases import LiveServerThread

        self.thread = LiveServerThread("127.0.0.1", lambda handler: handler, port=0)
        self.thread.daemon = True
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            raise self.thread.error
        self.url = f"http://127.0.0.1:{self.thread.port}"

    def stop(self) -> None:
        self.thread.terminate()


@contextlib.contextmanager
def live_server() -> Iterator[LiveServer]:
    """The app served for a browser while the block runs."""
    server = LiveServer()
    try:
        yield server
    finally:
        server.stop()


def shoot(page: Any, name: str) -> Path:
    """Keep a full-page screenshot of this step."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def accessibility_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.x A and AA violations on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}
        },
    )
    violations: list[dict[str, Any]] = result.response["violations"]
    return violations


def browser_page(executable: str) -> Iterator[Any]:
    """A fresh Chromium page (no sandbox: tests run as root in CI)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


@contextlib.contextmanager
def browser_site(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    fill: Callable[[Any, Path], object],
    users: Sequence[tuple[str, str, str, str]],
) -> Iterator[tuple[Any, LiveServer, str]]:
    """A journey's site: an SQLite store ``fill`` loads, ``users`` (username, agency, role,
    team; a second factor where the role needs one) and the live server, with Chromium."""
    from web_support import PASSWORD, open_test_store, serving

    executable = chromium_path()
    store = open_test_store("sqlite", request, tmp_path_factory.mktemp(name))
    store.execute("DELETE FROM ws_source_person")
    try:
        with serving(store.url):
            from wholestory.access import TWO_FACTOR_REQUIRED
            from wholestory.web.accounts.users import add_totp, add_user

            fill(store, tmp_path_factory.mktemp(f"{name}-files"))
            for username, agency, role, team in users:
                user = add_user(username, agency, role, PASSWORD, team, check_password=False)
                if role in TWO_FACTOR_REQUIRED:
                    add_totp(user)
            with live_server() as server:
                yield store, server, executable
    finally:
        store.close()
