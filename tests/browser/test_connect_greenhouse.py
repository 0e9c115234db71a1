"""The connection flow's Greenhouse path in headless Chromium, against the Greenhouse emulator on loopback.

Harvest v3 client credentials (client id, secret and the acting Site Admin's user id), the live scope checks, and
the source step: Greenhouse sources can only be added in its settings (MUST_EXIST), so the check fails until the
test adds the source through the emulator's control endpoint (what the admin does under Configure → Custom Options
→ Sources), then passes. And the partner path: "Sign in with Greenhouse" opens the emulator's approval page in a
popup (authorization code; partners get no client credentials), the checks run with the exchanged token.
Screenshots of every step go to test-artifacts/connect-flow/<test>/.
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
from apps.connectors.greenhouse.connector import SCOPE_PATHS, WRITE_PROBES
from apps.connectors.greenhouse.emulator import ADMIN_USER_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, create_app
from apps.integrations.models import Integration
from apps.integrations.selectors import integration_credentials
from tests.connectors.greenhouse.harness import UNPACED_RATE

pytestmark = pytest.mark.browser

Shoot = Callable[[Page, str], Path]


PARTNER = {"client_id": "tributary-partner", "client_secret": "partner-secret"}


@pytest.fixture
def greenhouse(settings: Any, live_server: Any) -> Iterator[str]:
    app = create_app(rate=UNPACED_RATE)
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"greenhouse": server.url}
        # Tributary as a Greenhouse partner: its OAuth app, registered for the live server's callback
        settings.CONNECTOR_OAUTH_CLIENTS = {"greenhouse": PARTNER}
        registered = requests.post(
            f"{server.url}/_emulator/oauth/clients",
            json={"clientId": PARTNER["client_id"], "clientSecret": PARTNER["client_secret"], "partner": True,
                  "redirectUris": [f"{live_server.url}/connect/oauth/callback"], "name": "Tributary"},
            timeout=10,
        )  # fmt: skip
        assert registered.ok, registered.text
        yield server.url


def _result(page: Page) -> dict[str, Any]:
    page.wait_for_function("() => window.__result !== null && window.__result !== undefined")
    return page.evaluate("() => window.__result")


def test_embedded_client_credentials_flow_with_scope_checks_and_the_source_set_up_by_hand(
    page: Page, host_url: str, shoot: Shoot, greenhouse: str, kombo_client: Callable[..., Kombo]
) -> None:
    kombo = kombo_client()
    link = kombo.connect.create_connection_link(
        end_user_email="hr@acme.example.com", end_user_organization_name="Acme Corp", integration_tool="greenhouse",
        end_user_origin_id="acme-gh",
    ).data.link  # fmt: skip
    page.goto(host_url)
    page.evaluate("link => { window.openConnect(link); }", link)
    frame = page.frame_locator("iframe")

    # the Harvest v3 guide, then a wrong secret
    expect(frame.locator("h1")).to_have_text("Connect Greenhouse")
    expect(frame.locator(".guide")).to_contain_text("Configure → Dev Center → API Credential Management")
    shoot(page, "guide")
    frame.locator("#field-client_id").fill(DEFAULT_CLIENT_ID)
    frame.locator("#field-client_secret").fill("not-the-secret")
    frame.locator("#field-user_id").fill(str(ADMIN_USER_ID))
    frame.locator("#connect-submit").click()
    expect(frame.locator("h1")).to_have_text("Some permissions are missing")
    expect(frame.locator('[data-check="credentials"]')).to_have_attribute("data-ok", "false")
    expect(frame.locator('[data-check="jobs"]')).to_have_attribute("data-ok", "skipped")
    shoot(page, "wrong-secret")

    # the right secret: the token, then one cheap list per permission, live
    frame.locator("#retry").click()
    frame.locator("#field-client_id").fill(DEFAULT_CLIENT_ID)
    frame.locator("#field-client_secret").fill(DEFAULT_CLIENT_SECRET)
    frame.locator("#field-user_id").fill(str(ADMIN_USER_ID))
    frame.locator("#connect-submit").click()
    expect(frame.locator("h1")).to_have_text("Connection verified", timeout=45_000)  # 22 live checks
    for check in ("credentials", *SCOPE_PATHS, *WRITE_PROBES):  # one cheap list or refused write per permission
        expect(frame.locator(f'[data-check="{check}"]')).to_have_attribute("data-ok", "true")
    shoot(page, "permission-checks")
    frame.locator("#continue").click()

    # the source step: guide, not found, created in Greenhouse's settings, found
    expect(frame.locator("#source-name")).to_have_text("Acme Jobs")
    expect(frame.locator("#source-status")).to_have_attribute("data-status", "PENDING_SETUP")
    expect(frame.locator(".guide")).to_contain_text("Configure → Custom Options → Sources")
    expect(frame.locator("#create-source")).to_have_count(0)  # Harvest cannot create sources
    shoot(page, "source-guide")
    frame.locator("#check-source").click()
    expect(frame.locator("#source-status")).to_contain_text("We could not find a source named exactly “Acme Jobs”")
    made = requests.post(f"{greenhouse}/_emulator/sources", json={"name": "Acme Jobs"}, timeout=10)
    assert made.status_code == 201
    frame.locator("#check-source").click()
    expect(frame.locator("#source-status")).to_have_attribute("data-status", "CONFIGURED")
    shoot(page, "source-found")
    frame.locator("#continue").click()
    expect(frame.locator("#done h1")).to_have_text("Greenhouse is connected")
    shoot(page, "done")

    result = _result(page)
    assert result["status"] == "resolved"
    integration = Integration.objects.get(end_user_origin_id="acme-gh")
    assert (integration.auth_kind, integration.base_url) == ("OAUTH2_CLIENT_CREDENTIALS", greenhouse)
    stored = integration_credentials(integration)
    assert (stored["client_id"], stored["client_secret"], stored["user_id"]) == (
        DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, str(ADMIN_USER_ID),
    )  # fmt: skip
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.status, mapping.remote_id, mapping.remote_label) == (
        "CONFIGURED",
        str(made.json()["id"]),
        "Acme Jobs",
    )


def test_embedded_partner_oauth_through_the_approval_page_with_scope_checks_and_the_source_step(
    page: Page, host_url: str, shoot: Shoot, greenhouse: str, kombo_client: Callable[..., Kombo]
) -> None:
    link = kombo_client().connect.create_connection_link(
        end_user_email="hr@initech.example.com", end_user_organization_name="Initech", integration_tool="greenhouse",
        end_user_origin_id="initech-gh",
    ).data.link  # fmt: skip
    page.goto(host_url)
    page.evaluate("link => { window.openConnect(link); }", link)
    frame = page.frame_locator("iframe")
    frame.locator(".tabs a", has_text="Sign in with Greenhouse").click()
    expect(frame.locator(".guide")).to_contain_text("client credentials are not available to partners")
    shoot(page, "oauth-start")

    with page.expect_popup() as popup_info:
        frame.locator("#oauth-start").click()
    popup = popup_info.value
    assert popup.url.startswith(f"{greenhouse}/authorize?client_id={PARTNER['client_id']}&")
    expect(popup.locator("#scopes")).to_contain_text("harvest:applications:create")
    expect(popup.locator("#scopes")).to_contain_text("harvest:scorecards:list")
    shoot(popup, "greenhouse-approval")
    with popup.expect_event("close"):
        popup.locator("#allow").click()

    # the checks ran live with the exchanged token (the approving user is the Site Admin)
    expect(frame.locator("h1")).to_have_text("Connection verified", timeout=45_000)  # 22 live checks
    for check in ("credentials", *SCOPE_PATHS, *WRITE_PROBES):  # one cheap list or refused write per permission
        expect(frame.locator(f'[data-check="{check}"]')).to_have_attribute("data-ok", "true")
    shoot(page, "permission-checks")
    frame.locator("#continue").click()
    # the source is named after the environment ("Acme Jobs"), not the end user's organization
    expect(frame.locator("#source-status")).to_have_attribute("data-status", "PENDING_SETUP")
    made = requests.post(f"{greenhouse}/_emulator/sources", json={"name": "Acme Jobs"}, timeout=10)
    frame.locator("#check-source").click()
    expect(frame.locator("#source-status")).to_have_attribute("data-status", "CONFIGURED")
    frame.locator("#continue").click()
    expect(frame.locator("#done h1")).to_have_text("Greenhouse is connected")
    shoot(page, "done")

    assert _result(page)["status"] == "resolved"
    integration = Integration.objects.get(end_user_origin_id="initech-gh")
    assert (integration.auth_kind, integration.setup_status) == ("OAUTH2_AUTHORIZATION_CODE", "COMPLETED")
    credentials = integration_credentials(integration)
    assert credentials["client_id"] == PARTNER["client_id"]
    assert credentials["access_token"]
    assert credentials["refresh_token"]
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.status, mapping.remote_id) == ("CONFIGURED", str(made.json()["id"]))
    # and the partner app really has no client-credentials grant (A1)
    refused = requests.post(
        f"{greenhouse}/token", data={"grant_type": "client_credentials"},
        auth=(PARTNER["client_id"], PARTNER["client_secret"]), timeout=10,
    )  # fmt: skip
    assert (refused.status_code, refused.json()["error"]) == (400, "unauthorized_client")
