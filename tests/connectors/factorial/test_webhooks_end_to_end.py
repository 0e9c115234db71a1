"""Factorial webhooks end to end over loopback: one subscription per type with our challenge, a hire in the
emulator reaches the SDK as HIRED and an outgoing `data-changed` without a scheduled delta, forged and replayed
deliveries change nothing, and with 30 % of the deliveries lost the next scheduled delta brings every change."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from kombo import Kombo

from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.factorial.emulator import DEFAULT_API_KEY, FactorialEmulator, create_app
from apps.connectors.factorial.webhooks import EVENTS
from apps.integrations.inbound_services import inbound_secret
from apps.integrations.models import Environment, InboundWebhookEndpoint, Integration, SyncRun
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

SEED = {"seed": 1, "candidates": 9, "applications": 9, "jobPostings": 1}  # 6 of the 9 applications pending


@pytest.fixture(scope="module")
def app() -> FactorialEmulator:
    return create_app(seed=SEED, limits_enabled=False)  # the real clock


@pytest.fixture(scope="module")
def server(app: FactorialEmulator) -> Iterator[LoopbackServer]:
    with LoopbackServer(app) as server:
        yield server


@pytest.fixture
def url(app: FactorialEmulator, server: LoopbackServer, settings: Any, live_server: Any) -> str:
    app.reset_state()
    app.subscriptions.clear()
    app.outbox.reset()
    settings.PUBLIC_BASE_URL = live_server.url
    return server.url


@pytest.fixture
def connected(environment: Environment, url: str) -> Integration:
    integration, endpoint = connected_with_webhooks(
        environment, tool="factorial", base_url=url, credentials={"api_key": DEFAULT_API_KEY}
    )
    assert endpoint.state == InboundWebhookEndpoint.State.SUBSCRIBED
    return integration


def pending(app: FactorialEmulator) -> list[str]:
    return sorted(str(a.id) for a in app.state.applications.values() if app.state.outcome(a) == "pending")


def hire(url: str, application_id: str) -> None:
    requests.post(f"{url}/_emulator/applications/{application_id}/hire", json={}, timeout=10).raise_for_status()


def test_a_hire_arrives_by_webhook_and_forged_or_replayed_deliveries_change_nothing(
    connected: Integration, app: FactorialEmulator, url: str, kombo_client: Callable[..., Kombo], settings: Any
) -> None:
    # given one subscription per type, each with our secret as its challenge
    secret = inbound_secret(connected.inbound_webhook)
    assert sorted(s.type for s in app.subscriptions.values()) == sorted(EVENTS)
    assert {(s.challenge, s.enabled, s.target_url) for s in app.subscriptions.values()} == {
        (secret, True, f"{settings.PUBLIC_BASE_URL}/webhooks/inbound/{connected.id}/{connected.inbound_webhook.token}")
    }
    kombo = kombo_client(integration_id=connected.id)
    target = pending(app)[0]
    with outgoing(connected.environment, settings) as (receiver, _), TaskPump() as pump:
        assert_change_arrives_by_webhook(
            integration=connected, kombo=kombo, receiver=receiver, pump=pump,
            change=lambda: hire(url, target), application_remote_id=target,
        )  # fmt: skip
        (delivery,) = [d for d in emulator_deliveries(url)["deliveries"] if d["state"] == "delivered"]
        assert json.loads(delivery["body"])["id"] == int(target)  # the full AtsApplication, no envelope

        changes = assert_deliveries_change_nothing(
            integration=connected, receiver=receiver, pump=pump,
            sends=[
                lambda: replay(delivery, x_factorial_wh_challenge="guessed"),  # wrong challenge
                lambda: replay(delivery, x_factorial_wh_challenge=None),  # no challenge
                lambda: replay({**delivery, "url": delivery["url"][:-3] + "abc"}),  # wrong URL token
                lambda: replay(delivery),  # a replay: Factorial sends no event id, so it is read again, to no effect
            ],
            statuses=[401, 401, 401, 200],
        )  # fmt: skip
    assert changes == {"REJECTED": 3, "ACCEPTED": 1, "runs": 1}  # the replay's re-read changed nothing
    assert SyncRun.objects.filter(integration=connected).order_by("-created_at").first().updated == 0

    # when the integration is deleted, its subscriptions go from Factorial
    integration_delete(integration=connected)
    assert app.subscriptions == {}


def test_with_30_percent_of_deliveries_lost_the_next_scheduled_delta_brings_every_change(
    connected: Integration, app: FactorialEmulator, url: str, kombo_client: Callable[..., Kombo]
) -> None:
    hired = pending(app)
    assert len(hired) == 6
    # one application webhook per hire; seed 1 loses two of the six
    assert_lost_deliveries_caught_by_the_next_delta(
        integration=connected, kombo=kombo_client(integration_id=connected.id), url=url,
        changes={application_id: functools.partial(hire, url, application_id) for application_id in hired},
        names=lambda delivery: str(json.loads(delivery["body"])["id"]),
        seed=1, counts={"pending": 0, "delivered": 4, "failed": 0, "dropped": 2}, lost=2,
    )  # fmt: skip
