"""The connection flow's Workable path in headless Chromium, against the Workable emulator on loopback: the
subdomain and access-token fields, a token without `r_candidates` (its scope check fails live), then a full token.
Workable takes the source as free text, so no source has to be set up. Screenshots go to test-artifacts/."""

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


@pytest.fixture
def workable_url(settings: Any) -> Iterator[str]:
    app = create_app(limits_enabled=False)
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"workable": server.url}
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
    for check in ("credentials", "r_jobs", "r_candidates"):
        expect(frame.locator(f'[data-check="{check}"]')).to_have_attribute("data-ok", "true")
    shoot(page, "permission-checks")
    frame.locator("#continue").click()
    expect(frame.locator("#done h1")).to_have_text("Workable is connected")
    shoot(page, "done")

    integration = Integration.objects.get(end_user_origin_id="acme-22")
    assert (integration.setup_status, integration.base_url) == ("COMPLETED", workable_url)
    assert integration_credentials(integration) == {"api_key": DEFAULT_TOKEN, "subdomain": SUBDOMAIN}
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.strategy, mapping.source_name) == ("FREE_TEXT", "Acme Jobs")
