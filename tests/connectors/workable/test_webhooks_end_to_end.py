"""Workable webhooks through the platform (issue 24): activation subscribes one target per event through
`POST /subscriptions`, a move to the hired stage in Workable reaches the SDK as HIRED by a targeted delta alone,
forged, unsigned, misaddressed and replayed deliveries change nothing, deleting the integration unsubscribes, and
with 30 % of the deliveries lost the next scheduled delta brings every change."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from kombo import Kombo

from apps.connectors.catalog import RateBudget
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.workable.connector import WorkableConnector
from apps.connectors.workable.emulator import DEFAULT_TOKEN, MEMBER_ID, SUBDOMAIN, WorkableEmulator, create_app
from apps.integrations.inbound_services import inbound_url
from apps.integrations.models import Environment, InboundWebhookEndpoint, Integration
from apps.integrations.services import integration_delete
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
def app() -> WorkableEmulator:
    return create_app(rate=1_000_000, seed={"candidates": 6, "jobs": 2})  # the real clock


@pytest.fixture(scope="module")
def server(app: WorkableEmulator) -> Iterator[LoopbackServer]:
    with LoopbackServer(app) as server:
        yield server


@pytest.fixture
def connected(
    environment: Environment, app: WorkableEmulator, server: LoopbackServer, settings: Any, live_server: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> Integration:  # fmt: skip
    monkeypatch.setattr(WorkableConnector, "rate_budget", RateBudget(requests_per_second=100, max_concurrency=2))
    app.reset()
    settings.PUBLIC_BASE_URL = live_server.url
    integration, endpoint = connected_with_webhooks(
        environment,
        tool="workable",
        base_url=server.url,
        credentials={"api_key": DEFAULT_TOKEN, "subdomain": SUBDOMAIN},
    )
    assert endpoint.state == InboundWebhookEndpoint.State.SUBSCRIBED
    return integration


def open_candidates(app: WorkableEmulator) -> list[str]:
    return sorted(c.id for c in app.state.candidates.values() if c.stage_slug != "hired" and not c.disqualified)


def hire(server: LoopbackServer, candidate_id: str) -> Callable[[], None]:
    """A recruiter moves the candidate to the hired stage (through Workable's API)."""

    def move() -> None:
        requests.post(
            f"{server.url}/spi/v3/accounts/{SUBDOMAIN}/candidates/{candidate_id}/move",
            json={"member_id": MEMBER_ID, "target_stage": "hired"},
            headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"}, timeout=10,
        ).raise_for_status()  # fmt: skip

    return move


def test_a_hire_arrives_by_webhook_and_forged_or_replayed_deliveries_change_nothing(
    connected: Integration, app: WorkableEmulator, server: LoopbackServer, kombo_client: Callable[..., Kombo],
    settings: Any,
) -> None:  # fmt: skip
    endpoint = connected.inbound_webhook
    url = inbound_url(endpoint)
    assert sorted((s["event"], s["target"]) for s in app.subscriptions.values()) == [
        ("candidate_created", f"{url}?event=candidate_created"),
        ("candidate_moved", f"{url}?event=candidate_moved"),
    ]
    kombo = kombo_client(integration_id=connected.id)
    target = open_candidates(app)[0]
    with outgoing(connected.environment, settings) as (receiver, _), TaskPump() as pump:
        assert_change_arrives_by_webhook(
            integration=connected, kombo=kombo, receiver=receiver, pump=pump, change=hire(server, target),
            application_remote_id=target,
        )  # fmt: skip
        [delivery] = [d for d in emulator_deliveries(server.url)["deliveries"] if d["event"] == "candidate_moved"]
        assert delivery["state"] == "delivered"
        misaddressed = delivery["url"].replace(endpoint.token, endpoint.token[:-3] + "abc")
        changes = assert_deliveries_change_nothing(
            integration=connected, receiver=receiver, pump=pump,
            sends=[
                lambda: replay(delivery, x_workable_signature="0" * 64),  # forged
                lambda: replay(delivery, x_workable_signature=None),  # unsigned
                lambda: replay({**delivery, "url": misaddressed}),  # wrong URL token
                lambda: replay(delivery),  # a replay: the same body, the same derived event id
            ],
            statuses=[401, 401, 401, 200],
        )  # fmt: skip
    assert changes == {"REJECTED": 3, "DUPLICATE": 1}

    integration_delete(integration=connected)
    assert app.subscriptions == {}  # unsubscribed when the integration goes


def test_with_30_percent_of_deliveries_lost_the_next_scheduled_delta_brings_every_change(
    connected: Integration, app: WorkableEmulator, server: LoopbackServer, kombo_client: Callable[..., Kombo]
) -> None:
    targets = open_candidates(app)
    assert len(targets) == 4
    # one candidate_moved delivery per hire; seed 1 loses the first and the last
    assert_lost_deliveries_caught_by_the_next_delta(
        integration=connected, kombo=kombo_client(integration_id=connected.id), url=server.url,
        changes={target: hire(server, target) for target in targets},
        names=lambda delivery: str(json.loads(delivery["body"])["data"]["id"]),
        seed=1, counts={"pending": 0, "delivered": 2, "failed": 0, "dropped": 2}, lost=2,
    )  # fmt: skip
