"""Headless Chromium (Debian's package, never a downloaded browser) driven by
Playwright against the live site (`site_url`, in tests/conftest.py)."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without these, Chromium reaches out to Google's services at start-up.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path():
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is required here (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return str(CHROMIUM)


class _Browser:
    """Starts Chromium on first use. Playwright's sync API runs an event loop
    in this thread, after which Django refuses ORM calls here (rightly: they
    would open a second connection): a test prepares its data first, then
    opens pages."""

    def __init__(self, executable_path):
        self.executable_path = executable_path
        self._playwright = None
        self._browser = None
        self.contexts = []

    def new_page(self, *, locale="en-GB", timezone_id="Europe/Berlin", javascript=True):
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable_path, headless=True, args=CHROMIUM_ARGS
            )
        context = self._browser.new_context(locale=locale, timezone_id=timezone_id, java_script_enabled=javascript)
        self.contexts.append(context)
        page = context.new_page()
        page.requests = []
        page.on("request", lambda request: page.requests.append(request.url))
        return page

    def close(self):
        for context in self.contexts:
            context.close()
        if self._browser is not None:
            self._browser.close()
            self._playwright.stop()


@pytest.fixture
def page_for(site_url, chromium_path):
    """page_for(locale=..., timezone_id=..., javascript=...) opens a page in a
    fresh context that records every request it makes. Depends on site_url so
    the browser, and its keep-alive connections, close before the server."""
    browser = _Browser(chromium_path)
    yield browser.new_page
    browser.close()


def db_read(function):
    """Run a database read from a browser test: Playwright's event loop runs in
    the test's thread, where Django refuses synchronous queries, so read in
    another thread (the live server has committed what it wrote)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def read():
        try:
            return function()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(read).result()
