"""The connection flow's Personio path in headless Chromium, against the Personio emulator on loopback.

Both credentials (v2 client id and secret, the v1 Recruiting API key with the Company ID), the live scope checks
(one cheap call each, the create check included), and the source step: recruiting channels exist only in Personio's
settings and cannot be listed, so the end user pastes the Channel ID; a wrong one is refused live with Personio's
reason, the one the test creates through the emulator's channels screen is accepted. Screenshots of every step go
to test-artifacts/connect-flow/<test>/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from kombo import Kombo
from playwright.sync_api import Page, expect

from apps.attribution.models import SourceMapping
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.personio.emulator import DEFAULT_API_KEY, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, create_app
from apps.integrations.models import Integration
from apps.integrations.selectors import integration_credentials

pytestmark = pytest.mark.browser

Shoot = Callable[[Page, str], Path]


@pytest.fixture
def personio(settings: Any) -> Iterator[str]:
    app = create_app(limits_enabled=False)
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"personio": server.url}
        yield server.url


def _result(page: Page) -> dict[str, Any]:
    page.wait_for_function("() => window.__result !== null && window.__result !== undefined")
    return page.evaluate("() => window.__result")


def test_embedded_flow_with_both_credentials_scope_checks_and_a_pasted_channel_id_checked_live(
    page: Page, host_url: str, shoot: Shoot, personio: str, kombo_client: Callable[..., Kombo]
) -> None:
    kombo = kombo_client()
    link = kombo.connect.create_connection_link(
        end_user_email="hr@acme.example.com", end_user_organization_name="Acme Corp", integration_tool="personio",
        end_user_origin_id="acme-pe",
    ).data.link  # fmt: skip
    page.goto(host_url)
    page.evaluate("link => { window.openConnect(link); }", link)
    frame = page.frame_locator("iframe")

    expect(frame.locator("h1")).to_have_text("Connect Personio")
    expect(frame.locator(".guide")).to_contain_text("Settings → Integrations → API credentials")
    shoot(page, "guide")
    frame.locator("#field-client_id").fill(DEFAULT_CLIENT_ID)
    frame.locator("#field-client_secret").fill(DEFAULT_CLIENT_SECRET)
    frame.locator("#field-api_key").fill(DEFAULT_API_KEY)
    frame.locator("#field-company_id").fill("98765")
    frame.locator("#connect-submit").click()
    expect(frame.locator("h1")).to_have_text("Connection verified")
    for check in ("credentials", "jobs", "candidates", "applications", "create_applications"):
        expect(frame.locator(f'[data-check="{check}"]')).to_have_attribute("data-ok", "true")
    shoot(page, "permission-checks")
    frame.locator("#continue").click()

    # the source step: where to create the channel, a wrong Channel ID refused by Personio, the right one accepted
    expect(frame.locator("#source-name")).to_have_text("Acme Jobs")
    expect(frame.locator("#source-status")).to_have_attribute("data-status", "PENDING_SETUP")
    expect(frame.locator(".guide")).to_contain_text("Settings → Recruiting → Recruiting, tab Channels")
    expect(frame.locator("#create-source")).to_have_count(0)
    shoot(page, "source-guide")
    frame.locator("#source-remote-id").fill("424242")
    frame.locator("#check-remote-id").click()
    expect(frame.locator("#source-status")).to_have_attribute("data-status", "ERROR")
    expect(frame.locator("#source-status")).to_contain_text(
        "errors.posting-validation.channel-not-found (The recruiting channel could not be found.)"
    )
    shoot(page, "wrong-channel-id")
    made = requests.post(f"{personio}/_emulator/channels", json={"name": "Acme Jobs"}, timeout=10)
    assert made.status_code == 201
    frame.locator("#source-remote-id").fill(str(made.json()["id"]))
    frame.locator("#check-remote-id").click()
    # Two live checks of the channel (the choice, then the page it leads to) under a loaded machine: more time.
    expect(frame.locator("#source-status")).to_have_attribute("data-status", "CONFIGURED", timeout=15_000)
    shoot(page, "channel-accepted")
    frame.locator("#continue").click()
    expect(frame.locator("#done h1")).to_have_text("Personio is connected")
    shoot(page, "done")

    assert _result(page)["status"] == "resolved"
    integration = Integration.objects.get(end_user_origin_id="acme-pe")
    assert (integration.auth_kind, integration.base_url) == ("OAUTH2_CLIENT_CREDENTIALS", personio)
    stored = integration_credentials(integration)
    assert (stored["client_id"], stored["api_key"], stored["company_id"]) == (
        DEFAULT_CLIENT_ID, DEFAULT_API_KEY, "98765",
    )  # fmt: skip
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.status, mapping.remote_id, mapping.source_name) == (
        "CONFIGURED",
        str(made.json()["id"]),
        "Acme Jobs",
    )
