"""The connection flow's Lever path in headless Chromium, against the Lever emulator on loopback: the API-key
field and guide, a key without the opportunities permission (its check fails live), then a full key; and OAuth
through the emulator's approval page (with `audience` and `offline_access`). Lever takes the source as free text,
so the end user sets nothing up: the flow stores the name and finishes. Screenshots go to test-artifacts/."""

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
from apps.connectors.lever.emulator import DEFAULT_API_KEY, create_app
from apps.integrations.connect_services import connect_link_create
from apps.integrations.models import Environment, Integration
from apps.integrations.selectors import integration_credentials

pytestmark = pytest.mark.browser

Shoot = Callable[[Page, str], Path]
PARTIAL = ["postings:read:admin", "stages:read:admin", "archive_reasons:read:admin", "users:read:admin"]


@pytest.fixture
def lever_url(settings: Any) -> Iterator[str]:
    app = create_app(limits_enabled=False)
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"lever": server.url}
        body = {"key": "no-opportunities", "scopes": PARTIAL}
        assert requests.post(f"{server.url}/_emulator/api-keys", json=body, timeout=10).ok
        yield server.url


def test_embedded_flow_with_api_key_and_live_permission_checks(
    page: Page, host_url: str, shoot: Shoot, lever_url: str, kombo_client: Callable[..., Kombo]
) -> None:
    kombo = kombo_client()
    link = kombo.connect.create_connection_link(
        end_user_email="hr@acme.example.com", end_user_organization_name="Acme Corp",
        integration_tool="lever", end_user_origin_id="acme-16",
    ).data.link  # fmt: skip
    page.goto(host_url)
    page.evaluate("link => { window.openConnect(link); }", link)
    frame = page.frame_locator("iframe")

    expect(frame.locator("h1")).to_have_text("Connect Lever")
    expect(frame.locator(".guide")).to_contain_text("Settings → Integrations and API → API Credentials")
    shoot(page, "guide")
    frame.locator("#field-api_key").fill("no-opportunities")
    frame.locator("#connect-submit").click()
    expect(frame.locator("h1")).to_have_text("Some permissions are missing")
    expect(frame.locator('[data-check="postings:read:admin"]')).to_have_attribute("data-ok", "true")
    expect(frame.locator('[data-check="opportunities:read:admin"]')).to_have_attribute("data-ok", "false")
    expect(frame.locator('[data-check="opportunities:read:admin"] .fix')).to_contain_text(
        "Give the API key the opportunities:read:admin permission"
    )
    shoot(page, "opportunities-missing")

    frame.locator("#retry").click()
    frame.locator("#field-api_key").fill(DEFAULT_API_KEY)
    frame.locator("#connect-submit").click()
    expect(frame.locator("h1")).to_have_text("Connection verified")
    for check in ("credentials", "postings:read:admin", "opportunities:read:admin", "stages:read:admin",
                  "archive_reasons:read:admin", "users:read:admin"):  # fmt: skip
        expect(frame.locator(f'[data-check="{check}"]')).to_have_attribute("data-ok", "true")
    # the source is free text in Lever: nothing to set up, the flow only confirms its name
    expect(frame.locator("#free-text-source")).to_contain_text("carries the source “Acme Jobs”")
    shoot(page, "permission-checks")
    frame.locator("#continue").click()
    expect(frame.locator("#done h1")).to_have_text("Lever is connected")
    expect(frame.locator("#done-source")).to_have_text(
        "Candidates created this way show the source “Acme Jobs” in Lever."
    )
    shoot(page, "done")

    integration = Integration.objects.get(end_user_origin_id="acme-16")
    assert (integration.setup_status, integration.base_url) == ("COMPLETED", lever_url)
    assert integration_credentials(integration) == {"api_key": DEFAULT_API_KEY}
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.strategy, mapping.source_name) == ("FREE_TEXT", "Acme Jobs")


CLIENT_ID, CLIENT_SECRET = "tributary-lever", "tributary-secret"


def test_plain_link_oauth_through_the_approval_page(
    page: Page, shoot: Shoot, lever_url: str, environment: Environment, live_server: Any, settings: Any
) -> None:
    settings.CONNECTOR_OAUTH_CLIENTS = {"lever": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}}
    body = {"clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET, "name": "Tributary",
            "redirectUris": [f"{live_server.url}/connect/oauth/callback"]}  # fmt: skip
    assert requests.post(f"{lever_url}/_emulator/oauth/clients", json=body, timeout=10).ok
    link = connect_link_create(
        environment=environment, end_user_email="hr@acme.example.com", end_user_organization_name="Acme Corp",
        integration_tool="lever", link_type="MAGIC_LINK", base_url=live_server.url,
    ).url  # fmt: skip

    page.goto(link)
    page.locator(".tabs a", has_text="Sign in with Lever").click()
    expect(page.locator(".guide")).to_contain_text("sign in as a Super Admin")
    shoot(page, "oauth-start")
    page.locator("#oauth-start").click()
    assert page.url.startswith(f"{lever_url}/authorize?")
    assert "audience=https%3A%2F%2Fapi.lever.co%2Fv1%2F" in page.url
    expect(page.locator('#scopes [data-scope="offline_access"]')).to_have_count(1)
    shoot(page, "lever-approval")
    page.locator("#allow").click()

    expect(page.locator("h1")).to_have_text("Connection verified")
    expect(page.locator('[data-check="opportunities:read:admin"]')).to_have_attribute("data-ok", "true")
    shoot(page, "permission-checks")
    page.locator("#continue").click()
    expect(page.locator("#done h1")).to_have_text("Lever is connected")

    integration = Integration.objects.get(tool="lever")
    credentials = integration_credentials(integration)
    assert (integration.auth_kind, integration.setup_status) == ("OAUTH2_AUTHORIZATION_CODE", "COMPLETED")
    assert set(credentials) == {"access_token", "refresh_token", "expires_at", "client_id", "client_secret"}
    assert credentials["client_id"] == CLIENT_ID
