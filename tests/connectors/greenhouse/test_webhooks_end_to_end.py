"""Greenhouse web hooks through the platform (issue 24): the end user creates the hooks in Greenhouse (the emulator's
stand-in for Configure → Dev Center → Web Hooks) with the URL and secret Tributary shows; Greenhouse's ping is
accepted; a hire in Greenhouse reaches the SDK as HIRED by a targeted delta alone; forged, misaddressed and replayed
deliveries change nothing; with 30 % of the deliveries lost the next scheduled delta brings every change."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from kombo import Kombo

from apps.connectors.catalog import AuthKind, RateBudget
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.greenhouse.connector import GreenhouseConnector
from apps.connectors.greenhouse.emulator import GreenhouseEmulator, create_app
from apps.integrations.inbound_services import inbound_secret, inbound_url
from apps.integrations.models import Environment, InboundWebhookEndpoint, Integration
from tests.connectors.greenhouse.harness import CREDENTIALS, UNPACED_RATE
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
def app() -> GreenhouseEmulator:
    return create_app(rate=UNPACED_RATE, seed={"candidates": 4, "jobs": 1})  # the real clock


@pytest.fixture(scope="module")
def server(app: GreenhouseEmulator) -> Iterator[LoopbackServer]:
    with LoopbackServer(app) as server:
        yield server


@pytest.fixture
def connected(
    environment: Environment, app: GreenhouseEmulator, server: LoopbackServer, settings: Any, live_server: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> Integration:  # fmt: skip
    monkeypatch.setattr(GreenhouseConnector, "rate_budget", RateBudget(requests_per_second=100, max_concurrency=4))
    app.reset()
    settings.PUBLIC_BASE_URL = live_server.url
    integration, endpoint = connected_with_webhooks(
        environment,
        tool="greenhouse",
        base_url=server.url,
        credentials=dict(CREDENTIALS),
        auth_kind=AuthKind.OAUTH2_CLIENT_CREDENTIALS,
    )
    assert endpoint.state == InboundWebhookEndpoint.State.MANUAL  # the flow shows the URL and the secret
    return integration


def hooks_made_by_hand(connected: Integration, server: LoopbackServer) -> None:
    """The end user pastes URL and secret into Greenhouse, one hook per event; each save pings (A7)."""
    endpoint = connected.inbound_webhook
    made = requests.post(
        f"{server.url}/_emulator/web_hooks",
        json={"name": "Tributary", "endpoint_url": inbound_url(endpoint), "secret_key": inbound_secret(endpoint),
              "event_action_types": list(GreenhouseConnector.webhook_events)},
        timeout=60,
    )  # fmt: skip
    assert made.status_code == 201, made.text
    hooks = made.json()["web_hooks"]
    assert len(hooks) == len(GreenhouseConnector.webhook_events)
    assert {hook["deactivated"] for hook in hooks} == {False}  # every ping was answered 200


def in_process(app: GreenhouseEmulator) -> list[str]:
    return sorted(str(a["id"]) for a in app.state.applications.values() if a["status"] == "in_process")


def test_hooks_made_by_hand_bring_a_hire_to_the_sdk_and_forged_or_replayed_deliveries_change_nothing(
    connected: Integration, app: GreenhouseEmulator, server: LoopbackServer, kombo_client: Callable[..., Kombo],
    settings: Any,
) -> None:  # fmt: skip
    hooks_made_by_hand(connected, server)

    kombo = kombo_client(integration_id=connected.id)
    target = in_process(app)[0]
    with outgoing(connected.environment, settings) as (receiver, _), TaskPump() as pump:
        assert_change_arrives_by_webhook(
            integration=connected, kombo=kombo, receiver=receiver, pump=pump,
            change=lambda: requests.post(f"{server.url}/_emulator/applications/{target}/hire", timeout=10),
            application_remote_id=target,
        )  # fmt: skip
        [delivery] = [d for d in emulator_deliveries(server.url)["deliveries"] if d["event"] == "hire_candidate"]
        assert delivery["state"] == "delivered"
        changes = assert_deliveries_change_nothing(
            integration=connected, receiver=receiver, pump=pump,
            sends=[
                lambda: replay(delivery, signature="sha256 " + "0" * 64),  # forged
                lambda: replay(delivery, signature=None),  # unsigned
                lambda: replay({**delivery, "url": delivery["url"][:-3] + "abc"}),  # wrong URL token
                lambda: replay(delivery),  # a replay: its Greenhouse-Event-ID was processed
            ],
            statuses=[401, 401, 401, 200],
        )  # fmt: skip
    # the replay is recognised by its Greenhouse-Event-ID: a DUPLICATE, no run
    assert changes == {"REJECTED": 3, "DUPLICATE": 1}


def test_with_30_percent_of_deliveries_lost_the_next_scheduled_delta_brings_every_change(
    connected: Integration, app: GreenhouseEmulator, server: LoopbackServer, kombo_client: Callable[..., Kombo]
) -> None:
    hooks_made_by_hand(connected, server)
    targets = in_process(app)
    assert len(targets) == 4

    def hire(application_id: str) -> Callable[[], None]:
        return lambda: requests.post(f"{server.url}/_emulator/applications/{application_id}/hire", timeout=10)

    # one hire_candidate delivery per hire; seed 1 loses the first and the last
    assert_lost_deliveries_caught_by_the_next_delta(
        integration=connected, kombo=kombo_client(integration_id=connected.id), url=server.url,
        changes={target: hire(target) for target in targets},
        names=lambda delivery: str(json.loads(delivery["body"])["payload"]["application"]["id"]),
        seed=1, counts={"pending": 0, "delivered": 2, "failed": 0, "dropped": 2}, lost=2,
    )  # fmt: skip
