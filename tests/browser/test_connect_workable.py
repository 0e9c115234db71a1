"""The connection flow's Workable path in headless Chromium, against the Workable emulator on loopback: the
subdomain and access-token fields, a token without `r_candidates` (its scope check fails live), then a full token.
Workable takes the source as free text, so no source has to be set up. And the partner path: "Sign in with
Workable" opens the emulator's approval page in a popup (authorization code, `resource=user`); the subdomain comes
from the token's account. Screenshots go to test-artifacts/."""

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
from apps.connectors.workable.emulator import DEFAULT_TOKEN, SUBDOMAIN, create_app
from apps.integrations.models import Integration
from apps.integrations.selectors import integration_credentials

pytestmark = pytest.mark.browser

Shoot = Callable[[Page, str], Path]


PARTNER = {"client_id": "tributary-workable", "client_secret": "workable-secret"}


@pytest.fixture
def workable_url(settings: Any, live_server: Any) -> Iterator[str]:
    app = create_app(rate=1_000_000)  # the limiter stays on, its window far above the test's needs
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"workable": server.url}
        settings.CONNECTOR_OAUTH_CLIENTS = {"workable": PARTNER}
        registered = requests.post(
            f"{server.url}/_emulator/oauth/clients",
            json={"clientId": PARTNER["client_id"], "clientSecret": PARTNER["client_secret"], "name": "Tributary",
                  "redirectUris": [f"{live_server.url}/connect/oauth/callback"]},
            timeout=10,
        )  # fmt: skip
        assert registered.ok, registered.text
        body = {"key": "jobs-only", "scopes": ["r_jobs"]}
        assert requests.post(f"{server.url}/_emulator/api-keys", json=body, timeout=10).ok
        yield server.url


def test_embedded_flow_with_subdomain_token_and_live_scope_checks(
    page: Page, host_url: str, shoot: Shoot, workable_url: str, kombo_client: Callable[..., Kombo]
) -> None:
    kombo = kombo_client()
    link = kombo.connect.create_connection_link(
        end_user_email="hr@acme.example.com", end_user_organization_name="Acme Corp",
        integration_tool="workable", end_user_origin_id="acme-22",
    ).data.link  # fmt: skip
    page.goto(host_url)
    page.evaluate("link => { window.openConnect(link); }", link)
    frame = page.frame_locator("iframe")

    expect(frame.locator("h1")).to_have_text("Connect Workable")
    expect(frame.locator(".guide")).to_contain_text("Settings → Integrations → Access token")
    shoot(page, "guide")
    frame.locator("#field-subdomain").fill(SUBDOMAIN)
    frame.locator("#field-api_key").fill("jobs-only")
    frame.locator("#connect-submit").click()
    expect(frame.locator("h1")).to_have_text("Some permissions are missing")
    expect(frame.locator('[data-check="r_jobs"]')).to_have_attribute("data-ok", "true")
    expect(frame.locator('[data-check="r_candidates"]')).to_have_attribute("data-ok", "false")
    expect(frame.locator('[data-check="r_candidates"] .fix')).to_contain_text("Add the r_candidates scope.")
    shoot(page, "r-candidates-missing")

    frame.locator("#retry").click()
    frame.locator("#field-subdomain").fill(SUBDOMAIN)
    frame.locator("#field-api_key").fill(DEFAULT_TOKEN)
    frame.locator("#connect-submit").click()
    expect(frame.locator("h1")).to_have_text("Connection verified")
    for check in ("credentials", "r_jobs", "r_candidates", "w_candidates", "w_comments", "r_offers"):
        expect(frame.locator(f'[data-check="{check}"]')).to_have_attribute("data-ok", "true")
    # the source is free text in Workable (`candidate.domain`): nothing to set up, the flow only confirms its name
    expect(frame.locator("#free-text-source")).to_contain_text("carries the source “Acme Jobs”")
    shoot(page, "permission-checks")
    frame.locator("#continue").click()
    expect(frame.locator("#done h1")).to_have_text("Workable is connected")
    expect(frame.locator("#done-source")).to_have_text(
        "Candidates created this way show the source “Acme Jobs” in Workable."
    )
    shoot(page, "done")

    integration = Integration.objects.get(end_user_origin_id="acme-22")
    assert (integration.setup_status, integration.base_url) == ("COMPLETED", workable_url)
    assert integration_credentials(integration) == {"api_key": DEFAULT_TOKEN, "subdomain": SUBDOMAIN}
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.strategy, mapping.source_name) == ("FREE_TEXT", "Acme Jobs")


def test_embedded_partner_oauth_through_the_approval_page_finds_the_subdomain(
    page: Page, host_url: str, shoot: Shoot, workable_url: str, kombo_client: Callable[..., Kombo]
) -> None:
    link = kombo_client().connect.create_connection_link(
        end_user_email="hr@initech.example.com", end_user_organization_name="Initech", integration_tool="workable",
        end_user_origin_id="initech-22",
    ).data.link  # fmt: skip
    page.goto(host_url)
    page.evaluate("link => { window.openConnect(link); }", link)
    frame = page.frame_locator("iframe")
    frame.locator(".tabs a", has_text="Sign in with Workable").click()
    expect(frame.locator(".guide")).to_contain_text("Tributary finds your account's subdomain itself")
    shoot(page, "oauth-start")

    with page.expect_popup() as popup_info:
        frame.locator("#oauth-start").click()
    popup = popup_info.value
    assert popup.url.startswith(f"{workable_url}/oauth/authorize?client_id={PARTNER['client_id']}&")
    assert "resource=user" in popup.url
    expect(popup.locator("#scopes")).to_contain_text("r_offers")
    shoot(popup, "workable-approval")
    with popup.expect_event("close"):
        popup.locator("#allow").click()

    expect(frame.locator("h1")).to_have_text("Connection verified")
    for check in ("credentials", "r_jobs", "r_candidates", "w_candidates", "w_comments", "r_offers"):
        expect(frame.locator(f'[data-check="{check}"]')).to_have_attribute("data-ok", "true")
    shoot(page, "permission-checks")
    frame.locator("#continue").click()
    expect(frame.locator("#done h1")).to_have_text("Workable is connected")

    integration = Integration.objects.get(end_user_origin_id="initech-22")
    assert (integration.auth_kind, integration.setup_status) == ("OAUTH2_AUTHORIZATION_CODE", "COMPLETED")
    credentials = integration_credentials(integration)
    assert (credentials["subdomain"], credentials["client_id"]) == (SUBDOMAIN, PARTNER["client_id"])
    assert credentials["refresh_token"]
