"""The connection flow's Ashby path in headless Chromium, against the Ashby emulator on loopback.

Ashby's candidate sources can only be created by an admin in its interface (MUST_EXIST): the source step shows the
guide, the check fails until the source exists, the test adds it through the emulator's control endpoint (what the
admin does in Admin → Organization Setup → Candidate Sources), and the check passes. Screenshots go to
test-artifacts/connect-flow/<test>/.
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
from apps.connectors.ashby.emulator import DEFAULT_API_KEY, create_app
from apps.connectors.emulation.server import LoopbackServer
from apps.integrations.models import Integration

pytestmark = pytest.mark.browser

Shoot = Callable[[Page, str], Path]
CHECKS = (
    "candidatesRead",
    "candidatesWrite",
    "jobsRead",
    "hiringProcessMetadataRead",
    "hiringProcessMetadataWrite",
    "offersRead",
    "interviewsRead",
    "apiKeysRead",
    "apiKeysWrite",
    "organizationRead",
)


@pytest.fixture
def ashby_url(settings: Any) -> Iterator[str]:
    app = create_app(limits_enabled=False)
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"ashby": server.url}
        yield server.url


def control(url: str, method: str, path: str, **kwargs: Any) -> Any:
    response = requests.request(method, f"{url}/_emulator{path}", timeout=10, **kwargs)
    assert response.ok, response.text
    return response.json()


def test_embedded_api_key_flow_with_permission_checks_and_the_source_created_by_the_admin(
    page: Page, host_url: str, shoot: Shoot, ashby_url: str, kombo_client: Callable[..., Kombo]
) -> None:
    control(ashby_url, "POST", "/api-keys", json={"key": "no-users", "permissions": list(CHECKS[:-1])})
    kombo = kombo_client()
    link = kombo.connect.create_connection_link(
        end_user_email="hr@acme.example.com",
        end_user_organization_name="Acme Corp",
        integration_tool="ashby",
        end_user_origin_id="acme-ashby",
    ).data.link
    page.goto(host_url)
    page.evaluate("link => { window.openConnect(link); }", link)
    frame = page.frame_locator("iframe")

    expect(frame.locator("h1")).to_have_text("Connect Ashby")
    expect(frame.locator(".guide")).to_contain_text("Admin → Integrations → API Keys")
    shoot(page, "guide")
    # a key without the Organization permission: the live check names exactly that one
    frame.locator("#field-api_key").fill("no-users")
    frame.locator("#connect-submit").click()
    expect(frame.locator("h1")).to_have_text("Some permissions are missing")
    expect(frame.locator('[data-check="organizationRead"]')).to_have_attribute("data-ok", "false")
    expect(frame.locator('[data-check="jobsRead"]')).to_have_attribute("data-ok", "true")
    shoot(page, "missing-permission")

    frame.locator("#retry").click()
    frame.locator("#field-api_key").fill(DEFAULT_API_KEY)
    frame.locator("#connect-submit").click()
    expect(frame.locator("h1")).to_have_text("Connection verified")
    for check in ("credentials", *CHECKS):
        expect(frame.locator(f'[data-check="{check}"]')).to_have_attribute("data-ok", "true")
    shoot(page, "permission-checks")
    frame.locator("#continue").click()

    expect(frame.locator("#source-name")).to_have_text("Acme Jobs")
    expect(frame.locator("#source-status")).to_have_attribute("data-status", "PENDING_SETUP")
    expect(frame.locator(".guide")).to_contain_text("Admin → Organization Setup → Candidate Sources")
    expect(frame.locator("#create-source")).to_have_count(0)  # Ashby's API cannot create sources
    frame.locator("#check-source").click()
    expect(frame.locator("#source-status")).to_contain_text("Acme Jobs")
    shoot(page, "source-not-found")
    source = control(ashby_url, "POST", "/sources", json={"title": "Acme Jobs", "sourceType": "Inbound"})
    frame.locator("#check-source").click()
    expect(frame.locator("#source-status")).to_have_attribute("data-status", "CONFIGURED")
    shoot(page, "source-found")
    frame.locator("#continue").click()
    expect(frame.locator("#done h1")).to_have_text("Ashby is connected")
    shoot(page, "done")

    integration = Integration.objects.get(end_user_origin_id="acme-ashby")
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.status, mapping.remote_id, mapping.remote_label) == ("CONFIGURED", source["id"], "Acme Jobs")
