"""Teamtailor's company webhook set up through the connection flow in headless Chromium: the done page shows the URL
and asks for the signature key Teamtailor generates (the emulator's `POST /_emulator/company-webhooks` stands in for
Settings > Integrations > Webhooks and answers the key); a wrong paste gets a clear error, the key once saved
finishes the flow (@kombo-api/connect resolves with the activation token). Then a hire in Teamtailor reaches the SDK
through the webhook and a targeted delta alone, and a delivery signed with another key changes nothing (401).
Screenshots go to test-artifacts/connect-flow/<test>/."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from kombo import Kombo
from playwright.sync_api import Page, expect

from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.teamtailor.emulator import DEFAULT_API_KEY, TeamtailorEmulator, create_app
from apps.connectors.teamtailor.emulator.webhooks import v2_signature
from apps.integrations.inbound_services import inbound_verifying_secret
from apps.integrations.models import Environment, InboundWebhookEndpoint, Integration
from tests.connectors.sync_support import sync
from tests.connectors.webhook_support import (
    TaskPump,
    assert_change_arrives_by_webhook,
    assert_deliveries_change_nothing,
    emulator_deliveries,
    outgoing,
    replay,
)

pytestmark = pytest.mark.browser

Shoot = Callable[[Page, str], Path]


@pytest.fixture
def teamtailor(settings: Any, live_server: Any) -> Iterator[tuple[TeamtailorEmulator, str]]:
    app = create_app(limits_enabled=False, seed={"candidates": 3, "applications": 3, "jobs": 1})
    with LoopbackServer(app) as server:
        settings.CONNECTOR_BASE_URLS = {"teamtailor": server.url}
        settings.PUBLIC_BASE_URL = live_server.url  # where the emulator's webhooks reach us
        yield app, server.url


def hire_through_the_api(url: str, app: TeamtailorEmulator) -> tuple[str, Callable[[], None]]:
    application = next(iter(app.state.job_applications.values()))
    hired = next(s for s in app.state.job_stages(application.job_id) if s.stage_type == "Hired")

    def hire() -> None:
        body = {"data": {"id": str(application.id), "type": "job-applications",
                         "relationships": {"stage": {"data": {"id": str(hired.id), "type": "stages"}}}}}  # fmt: skip
        answer = requests.patch(
            f"{url}/eu/v1/job-applications/{application.id}", json=body, timeout=10,
            headers={"Authorization": f"Token token={DEFAULT_API_KEY}", "X-Api-Version": "20240904",
                     "Content-Type": "application/vnd.api+json"},
        )  # fmt: skip
        assert answer.status_code == 200, answer.text

    return str(application.id), hire


def test_the_end_user_pastes_the_generated_key_and_changes_arrive_by_webhook(
    page: Page, host_url: str, shoot: Shoot, teamtailor: tuple[TeamtailorEmulator, str],
    kombo_client: Callable[..., Kombo], environment: Environment, settings: Any,
) -> None:  # fmt: skip
    app, url = teamtailor
    kombo = kombo_client()
    link = kombo.connect.create_connection_link(
        end_user_email="hr@acme.example.com", end_user_organization_name="Acme Corp",
        integration_tool="teamtailor", end_user_origin_id="acme-tt-webhooks",
    ).data.link  # fmt: skip
    page.goto(host_url)
    page.evaluate("link => { window.openConnect(link); }", link)
    frame = page.frame_locator("iframe")
    frame.locator("#field-api_key").fill(DEFAULT_API_KEY)
    frame.locator("#connect-submit").click()
    expect(frame.locator("h1")).to_have_text("Connection verified")
    frame.locator("#continue").click()

    # the done page: the URL to paste, Teamtailor's steps, the field for the key; it waits for the end user
    expect(frame.locator("#done h1")).to_have_text("Teamtailor is connected")
    expect(frame.locator("#done-webhook-guide")).to_contain_text("Settings → Integrations → Webhooks")
    expect(frame.locator("#done-webhook-secret")).to_have_count(0)  # Teamtailor takes no secret of ours
    expect(frame.locator("#done-button")).to_be_visible()
    inbound = frame.locator("#done-webhook-url").inner_text()
    integration = Integration.objects.get(end_user_origin_id="acme-tt-webhooks")
    assert inbound.startswith(f"{settings.PUBLIC_BASE_URL}/webhooks/inbound/{integration.id}/")
    shoot(page, "done-asks-for-the-key")

    # the end user adds the webhook in Teamtailor, which generates the signature key
    hook = requests.post(
        f"{url}/_emulator/company-webhooks", json={"url": inbound, "events": ["job_application.update"]}, timeout=10
    ).json()
    key = hook["signature_key"]
    frame.locator("#field-signature_key").fill("the key with spaces")
    frame.locator("#done-webhook-key-save").click()
    expect(frame.locator("#done-webhook-key-error")).to_have_text(
        "The signature key contains spaces or line breaks: paste only the key."
    )
    assert page.evaluate("() => window.__result") is None  # still open: nothing finished the flow
    shoot(page, "wrong-paste")
    frame.locator("#field-signature_key").fill(key)
    frame.locator("#done-webhook-key-save").click()
    expect(frame.locator("#done-webhook-key-saved")).to_have_text(
        "Signature key saved: changes in Teamtailor now arrive within seconds."
    )
    expect(frame.locator("#done-webhook-key-error")).to_be_hidden()
    shoot(page, "key-saved")

    # then the flow finishes with the activation token, as any flow does
    page.wait_for_function("() => window.__result !== null && window.__result !== undefined")
    result = page.evaluate("() => window.__result")
    assert result["status"] == "resolved"
    expect(page.locator("iframe")).to_have_count(0)
    exchanged = kombo.connect.get_integration_by_token(token=result["token"]).data
    assert (exchanged.id, exchanged.setup_status) == (integration.id, "COMPLETED")
    endpoint = InboundWebhookEndpoint.objects.get(integration=integration)
    assert (endpoint.state, inbound_verifying_secret(endpoint)) == ("MANUAL", key)

    # and a hire in Teamtailor reaches the SDK through the webhook, not a scheduled delta
    Integration.objects.filter(id=integration.id).update(sync_all_records=True)
    integration.refresh_from_db()
    sync(integration)
    sdk = kombo_client(integration_id=integration.id)
    application_id, hire = hire_through_the_api(url, app)
    with outgoing(environment, settings) as (receiver, _), TaskPump() as pump:
        pump.idle()  # what the completion queued (the webhook activation) runs first
        assert_change_arrives_by_webhook(
            integration=integration, kombo=sdk, receiver=receiver, pump=pump, change=hire,
            application_remote_id=application_id,
        )  # fmt: skip
        [delivered] = emulator_deliveries(url)["deliveries"]
        assert (delivered["event"], delivered["state"], delivered["attempts"][0]["status"]) == (
            "job_application.update", "delivered", 200,
        )  # fmt: skip
        # a delivery of the same payload, fresh, but signed with a key that is not the one pasted
        payload = json.loads(delivered["body"])["payload"]
        other = v2_signature("another-teamtailor-key", payload, int(time.time()))
        changed = assert_deliveries_change_nothing(
            integration=integration, receiver=receiver, pump=pump,
            sends=[lambda: replay(delivered, TT_Signature=other)], statuses=[401],
        )  # fmt: skip
    assert changed == {"REJECTED": 1}
