"""Real headless Debian Chromium through Playwright, a host page that embeds the flow with @kombo-api/connect."""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.integrations.webhooks_support import endpoint, receiver, webhook_settings  # noqa: F401 (fixtures)

BROWSER_DIR = Path(__file__).resolve().parent
ARTIFACTS = BROWSER_DIR.parents[1] / "test-artifacts" / "connect-flow"
CHROMIUM = "/usr/bin/chromium"
# The permission checks run one request per check (each shown as it completes): on a loaded 2-core machine a
# connector's dozen checks can take longer than Playwright's default 5 s for an expectation.
expect.set_options(timeout=15_000)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return None


@pytest.fixture(scope="session")
def host_url() -> Iterator[str]:
    """Serves tests/browser (host.html + node_modules) on its own loopback origin, like a customer's app."""
    sdk = BROWSER_DIR / "node_modules" / "@kombo-api" / "connect" / "dist" / "index.js"
    if not sdk.exists():
        raise RuntimeError("@kombo-api/connect is not installed: run `npm ci` in tests/browser (bin/test does).")
    handler = functools.partial(_QuietHandler, directory=str(BROWSER_DIR))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/host.html"
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    """A fresh Chromium per test. Playwright's sync API runs an event loop in this thread while it is open, so
    Django's async-safety check is lifted for the test's own (synchronous) ORM calls, and the browser is
    closed before the next test (which may not be a browser test) runs in this process."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 820})
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()
        # While Playwright's loop runs, asgiref's context-local `connections` hand this thread's ORM calls their
        # own connection: close it here, or it outlives the test and blocks dropping the test database.
        connections.close_all()


@pytest.fixture
def shoot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """Saves a numbered screenshot of every step under test-artifacts/connect-flow/<test>/ (git-ignored)."""
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    counter = iter(range(1, 100))

    def take(page: Page, step: str) -> Path:
        path = folder / f"{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="module")
def module_browser() -> Iterator[Browser]:
    """One Chromium for a whole test module (each test still gets a fresh context through `tab`)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    connections.close_all()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def tab(module_browser: Browser) -> Iterator[Page]:
    """A fresh browser context and page on the module's Chromium."""
    context = module_browser.new_context(viewport={"width": 1100, "height": 820})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    # See `page`: the ORM connection this thread got while Playwright's loop runs must not outlive the test.
    connections.close_all()
