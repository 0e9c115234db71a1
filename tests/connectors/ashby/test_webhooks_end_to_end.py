"""Ashby webhooks end to end over loopback: activating the integration subscribes through `webhook.create`, a hire
in the emulator reaches the SDK as HIRED through the platform's inbound URL and a targeted delta alone; a replayed
(same webhookActionId), a forged and an unsigned delivery change nothing; with 30 % of the deliveries lost the next
scheduled delta brings every change."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from kombo import Kombo

from apps.connectors.ashby.connector import AshbyConnector
from apps.connectors.ashby.emulator import DEFAULT_API_KEY, AshbyEmulator, create_app, operations
from apps.connectors.emulation.server import LoopbackServer
from apps.integrations.models import Environment, InboundWebhookEndpoint, Integration
from tests.connectors.webhook_support import (
    TaskPump,
    assert_change_arrives_by_webhook,
    assert_deliveries_change_nothing,
    assert_lost_deliveries_caught_by_the_next_delta,
    connected_with_webhooks,
    emulator_deliveries,
    outcomes,
    outgoing,
    replay,
)


@pytest.fixture(scope="module")
def ashby() -> Iterator[tuple[AshbyEmulator, str]]:
    app = create_app(limits_enabled=False, seed={"candidates": 4, "jobs": 2})
    with LoopbackServer(app) as server:
        yield app, server.url


@pytest.fixture
def connected(
    environment: Environment, ashby: tuple[AshbyEmulator, str], settings: Any, live_server: Any
) -> Integration:
    app, url = ashby
    app.reset_state()
    settings.CONNECTOR_BASE_URLS = {"ashby": url}
    settings.PUBLIC_BASE_URL = live_server.url
    integration, endpoint = connected_with_webhooks(
        environment, tool="ashby", base_url=url, credentials={"api_key": DEFAULT_API_KEY}
    )
    assert endpoint.state == InboundWebhookEndpoint.State.SUBSCRIBED
    return integration


def active(app: AshbyEmulator) -> list[str]:
    return sorted(a["id"] for a in app.state.applications.values() if a["status"] not in ("Hired", "Archived"))


def hire(app: AshbyEmulator, application_id: str) -> Callable[[], None]:
    """A recruiter moves the application to its plan's Hired stage in Ashby."""
    application = app.state.applications[application_id]
    plan = app.state.plans[application["currentInterviewStage"]["interviewPlanId"]]
    hired = next(s for s in plan if s["type"] == "Hired")

    def move() -> None:
        with app.lock:
            operations.change_stage(app.state, {"applicationId": application_id, "interviewStageId": hired["id"]})

    return move


def test_a_hire_in_ashby_reaches_the_sdk_and_forged_or_replayed_deliveries_change_nothing(
    connected: Integration, ashby: tuple[AshbyEmulator, str], kombo_client: Callable[..., Kombo], settings: Any
) -> None:
    app, url = ashby
    hooks = list(app.webhooks.hooks.values())
    assert sorted(h["webhookType"] for h in hooks) == sorted(AshbyConnector.webhook_events)
    inbound = f"/webhooks/inbound/{connected.id}/{connected.inbound_webhook.token}"
    assert all(h["requestUrl"].endswith(inbound) for h in hooks)
    kombo = kombo_client(integration_id=connected.id)
    target = active(app)[0]
    with outgoing(connected.environment, settings) as (receiver, _), TaskPump() as pump:
        assert_change_arrives_by_webhook(
            integration=connected, kombo=kombo, receiver=receiver, pump=pump, change=hire(app, target),
            application_remote_id=target,
        )  # fmt: skip
        assert outcomes(kombo)[target] == "HIRED"
        delivered = [d for d in emulator_deliveries(url)["deliveries"] if d["event"] == "candidateHire"]
        assert [d["state"] for d in delivered] == ["delivered"]
        changed = assert_deliveries_change_nothing(
            integration=connected, receiver=receiver, pump=pump,
            sends=[
                lambda: replay(delivered[0]),
                lambda: replay(delivered[0], Ashby_Signature="sha256=" + "0" * 64),
                lambda: replay(delivered[0], Ashby_Signature=None),
            ],
            statuses=[200, 401, 401],
        )  # fmt: skip
        assert changed == {"DUPLICATE": 1, "REJECTED": 2}  # the replay by its webhookActionId, the forgeries


def test_with_30_percent_of_deliveries_lost_the_next_scheduled_delta_brings_every_change(
    connected: Integration, ashby: tuple[AshbyEmulator, str], kombo_client: Callable[..., Kombo]
) -> None:
    app, url = ashby
    targets = active(app)
    assert len(targets) == 4
    # each hire sends candidateStageChange and candidateHire; seed 14 loses 3 of the 8: one hire both of its two
    assert_lost_deliveries_caught_by_the_next_delta(
        integration=connected, kombo=kombo_client(integration_id=connected.id), url=url,
        changes={target: hire(app, target) for target in targets},
        names=lambda delivery: str(json.loads(delivery["body"])["data"]["application"]["id"]),
        seed=14, counts={"pending": 0, "delivered": 5, "failed": 0, "dropped": 3}, lost=1,
    )  # fmt: skip
