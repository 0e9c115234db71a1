"""The API docs in headless Chromium with the network cut off beyond loopback: every asset is Tributary's own."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _block_beyond_loopback(page: Page) -> list[str]:
    """Aborts every request leaving the machine; returns the list of those attempted."""
    blocked: list[str] = []

    def handle(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).hostname not in LOOPBACK:
            blocked.append(url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.context.route("**/*", handle)
    return blocked


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_and_redoc_render_the_api_offline(live_server: Any, page: Page) -> None:
    blocked = _block_beyond_loopback(page)
    failed: list[tuple[str, str | None]] = []
    page.on("requestfailed", lambda request: failed.append((request.url, request.failure)))

    page.goto(f"{live_server.url}/docs/")
    expect(page.locator(".info .title")).to_contain_text("Tributary API")
    check_api_key = page.locator(".opblock-get .opblock-summary-path[data-path='/check-api-key']")
    expect(check_api_key).to_be_visible()
    expect(
        page.locator(".opblock-post .opblock-summary-path[data-path='/ats/jobs/{job_id}/applications']")
    ).to_be_visible()

    page.goto(f"{live_server.url}/docs/redoc/")
    # ReDoc renders the whole schema at once: slower than Swagger UI on a busy machine.
    expect(page.locator("h1").first).to_contain_text("Tributary API", timeout=60_000)
    expect(page.get_by_role("menuitem").first).to_be_visible()

    assert blocked == []  # nothing reached for the network
    # The one request that failed at all: ReDoc's hard-coded vendor logo, refused by the browser itself under the
    # docs pages' Content-Security-Policy (apps/core/views.py) before any connection is made.
    assert set(failed) <= {("https://cdn.redoc.ly/redoc/logo-mini.svg", "csp")}, failed
