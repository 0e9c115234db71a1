"""The connection flow's Teamtailor path in headless Chromium, against the Teamtailor emulator on loopback.

The credential form has the API key and a region select (EU / North America). A Public-scope key fails the live
Admin check; an EU key with the NA region chosen is refused (keys belong to one region's stack); the NA key in the
NA region passes, and every check of that attempt reached the emulator under `/na`. Teamtailor takes the source as
free text, so no source has to be set up. Screenshots go to test-artifacts/connect-flow/<test>/.
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
from apps.connectors.teamtailor.emulator import DEFAULT_API_KEY, DEFAULT_NA_API_KEY, create_app
from apps.integrations.models import Integration
from apps.integrations.selectors import integration_credentials

pytestmark = pytest.mark.browser

Shoot = Callable[[Page, str], Path]
PUBLIC_KEY = "tt-eu-public-key"


@pytest.fixture
def teamtailor_url(settings: Any) -> Iterator[str]:
    app = create_app(limits_enabled=False)
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"teamtailor": server.url}  # the emulator's root: the region is its prefix
        body = {"key": PUBLIC_KEY, "region": "eu", "scope": "public", "access": "read"}
        assert requests.post(f"{server.url}/_emulator/api-keys", json=body, timeout=10).ok
        yield server.url


def regions(url: str) -> dict[str, int]:
    return requests.get(f"{url}/_emulator/regions", timeout=10).json()["requests"]


def test_embedded_flow_with_the_region_select_and_live_scope_checks(
    page: Page, host_url: str, shoot: Shoot, teamtailor_url: str, kombo_client: Callable[..., Kombo]
) -> None:
    kombo = kombo_client()
    link = kombo.connect.create_connection_link(
        end_user_email="hr@acme.example.com", end_user_organization_name="Acme Corp",
        integration_tool="teamtailor", end_user_origin_id="acme-21",
    ).data.link  # fmt: skip
    page.goto(host_url)
    page.evaluate("link => { window.openConnect(link); }", link)
    frame = page.frame_locator("iframe")

    expect(frame.locator("h1")).to_have_text("Connect Teamtailor")
    expect(frame.locator(".guide")).to_contain_text("Settings → Integrations → API keys")
    region = frame.locator("#field-region")
    expect(region.locator("option")).to_have_text(["EU (app.teamtailor.com)", "North America (app.na.teamtailor.com)"])
    expect(region).to_have_value("eu")
    shoot(page, "guide")
    # a Public key in the EU: the credentials work, the Admin check names what is missing
    frame.locator("#field-api_key").fill(PUBLIC_KEY)
    frame.locator("#connect-submit").click()
    expect(frame.locator("h1")).to_have_text("Some permissions are missing")
    expect(frame.locator('[data-check="jobs"]')).to_have_attribute("data-ok", "true")
    expect(frame.locator('[data-check="admin"]')).to_have_attribute("data-ok", "false")
    expect(frame.locator('[data-check="admin"] .fix')).to_contain_text("Create a new API key with the scope Admin")
    assert regions(teamtailor_url)["na"] == 0
    shoot(page, "admin-missing")

    # the EU admin key with North America chosen: the NA stack does not know it
    frame.locator("#retry").click()
    frame.locator("#field-api_key").fill(DEFAULT_API_KEY)
    frame.locator("#field-region").select_option("na")
    frame.locator("#connect-submit").click()
    expect(frame.locator('[data-check="credentials"]')).to_have_attribute("data-ok", "false")
    assert regions(teamtailor_url)["na"] == 1
    shoot(page, "wrong-region")

    frame.locator("#retry").click()
    frame.locator("#field-api_key").fill(DEFAULT_NA_API_KEY)
    frame.locator("#field-region").select_option("na")
    before = regions(teamtailor_url)
    frame.locator("#connect-submit").click()
    expect(frame.locator("h1")).to_have_text("Connection verified")
    for check in ("credentials", "jobs", "admin"):
        expect(frame.locator(f'[data-check="{check}"]')).to_have_attribute("data-ok", "true")
    after = regions(teamtailor_url)
    assert (after["eu"], after["na"] - before["na"]) == (before["eu"], 3)  # the key, jobs and admin checks
    shoot(page, "permission-checks")
    frame.locator("#continue").click()
    expect(frame.locator("#done h1")).to_have_text("Teamtailor is connected")
    shoot(page, "done")

    integration = Integration.objects.get(end_user_origin_id="acme-21")
    assert (integration.setup_status, integration.base_url) == ("COMPLETED", teamtailor_url)
    assert integration_credentials(integration) == {"api_key": DEFAULT_NA_API_KEY, "region": "na"}
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.strategy, mapping.source_name) == ("FREE_TEXT", "Acme Jobs")
