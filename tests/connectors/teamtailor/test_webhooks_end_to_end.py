"""Teamtailor company webhooks end to end over loopback: the end user adds the webhook by hand (the emulator's
stand-in for Settings > Integrations > Webhooks) with the URL the platform shows and gives the platform the
signature key Teamtailor generated; a move to Hired reaches the SDK as HIRED through the inbound URL and a
targeted delta alone; the same delivery again, a forged and an unsigned one change nothing; with 30 % of the
deliveries lost (Teamtailor never retries) the next scheduled delta brings every change."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from kombo import Kombo

from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.teamtailor.emulator import DEFAULT_API_KEY, TeamtailorEmulator, create_app
from apps.integrations.inbound_services import inbound_set_vendor_secret, inbound_url
from apps.integrations.models import Environment, InboundWebhookEndpoint, Integration
from tests.connectors.webhook_support import (
    TaskPump,
    assert_change_arrives_by_webhook,
    assert_deliveries_change_nothing,
    assert_lost_deliveries_caught_by_the_next_delta,
    connected_with_webhooks,
    emulator_deliveries,
    outgoing,
    replay,
)


@pytest.fixture(scope="module")
def teamtailor() -> Iterator[tuple[TeamtailorEmulator, str]]:
    app = create_app(limits_enabled=False, seed={"candidates": 4, "applications": 4, "jobs": 2})
    with LoopbackServer(app) as server:
        yield app, server.url


@pytest.fixture
def connected(
    environment: Environment, teamtailor: tuple[TeamtailorEmulator, str], settings: Any, live_server: Any
) -> Integration:
    app, url = teamtailor
    app.reset_state()
    settings.CONNECTOR_BASE_URLS = {"teamtailor": url}
    settings.PUBLIC_BASE_URL = live_server.url
    integration, endpoint = connected_with_webhooks(
        environment, tool="teamtailor", base_url=url, credentials={"api_key": DEFAULT_API_KEY, "region": "eu"}
    )
    assert endpoint.state == InboundWebhookEndpoint.State.MANUAL
    # the end user adds the webhook in Teamtailor and hands Tributary the generated key
    hook = requests.post(
        f"{url}/_emulator/company-webhooks",
        json={"url": inbound_url(endpoint, base_url=live_server.url), "events": ["job_application.update"]},
        timeout=10,
    ).json()
    inbound_set_vendor_secret(endpoint=endpoint, secret=hook["signature_key"])
    return integration


def open_applications(app: TeamtailorEmulator) -> list[str]:
    hired = {s.id for job in app.state.jobs for s in app.state.job_stages(job) if s.stage_type == "Hired"}
    return sorted(
        str(a.id) for a in app.state.job_applications.values() if a.stage_id not in hired and not a.rejected_at
    )


def hire(url: str, app: TeamtailorEmulator, application_id: str) -> Callable[[], None]:
    """A recruiter moves the job application to the job's Hired stage (through Teamtailor's API)."""
    application = app.state.job_applications[int(application_id)]
    hired = next(s for s in app.state.job_stages(application.job_id) if s.stage_type == "Hired")

    def move() -> None:
        body = {"data": {"id": application_id, "type": "job-applications",
                         "relationships": {"stage": {"data": {"id": str(hired.id), "type": "stages"}}}}}  # fmt: skip
        answer = requests.patch(
            f"{url}/eu/v1/job-applications/{application_id}", json=body, timeout=10,
            headers={"Authorization": f"Token token={DEFAULT_API_KEY}", "X-Api-Version": "20240904",
                     "Content-Type": "application/vnd.api+json"},
        )  # fmt: skip
        assert answer.status_code == 200, answer.text

    return move


def test_a_hire_in_teamtailor_reaches_the_sdk_through_the_company_webhook(
    connected: Integration, teamtailor: tuple[TeamtailorEmulator, str], settings: Any,
    kombo_client: Callable[..., Kombo],
) -> None:  # fmt: skip
    app, url = teamtailor
    kombo = kombo_client(integration_id=connected.id)
    target = open_applications(app)[0]
    with outgoing(connected.environment, settings) as (receiver, _), TaskPump() as pump:
        assert_change_arrives_by_webhook(
            integration=connected, kombo=kombo, receiver=receiver, pump=pump, change=hire(url, app, target),
            application_remote_id=target,
        )  # fmt: skip
        [delivered] = emulator_deliveries(url)["deliveries"]
        assert (delivered["event"], delivered["state"]) == ("job_application.update", "delivered")
        forged = base64.b64encode(f"t={int(time.time())},v2={'0' * 64}".encode()).decode()
        changed = assert_deliveries_change_nothing(
            integration=connected, receiver=receiver, pump=pump,
            sends=[
                lambda: replay(delivered),  # the same delivery again: its signature is its id
                lambda: replay(delivered, TT_Signature=forged),
                lambda: replay(delivered, TT_Signature=None),
            ],
            statuses=[200, 401, 401],
        )  # fmt: skip
        assert changed == {"DUPLICATE": 1, "REJECTED": 2}


def test_with_30_percent_of_deliveries_lost_the_next_scheduled_delta_brings_every_change(
    connected: Integration, teamtailor: tuple[TeamtailorEmulator, str], kombo_client: Callable[..., Kombo]
) -> None:
    app, url = teamtailor
    targets = open_applications(app)
    assert len(targets) == 4
    # one job_application.update per hire, never retried (Teamtailor has no retries); seed 1 loses two
    assert_lost_deliveries_caught_by_the_next_delta(
        integration=connected, kombo=kombo_client(integration_id=connected.id), url=url,
        changes={target: hire(url, app, target) for target in targets},
        names=lambda delivery: str(json.loads(delivery["body"])["payload"]["data"]["id"]),
        seed=1, counts={"pending": 0, "delivered": 2, "failed": 0, "dropped": 2}, lost=2,
    )  # fmt: skip
