"""Lever webhooks end to end over loopback: activation registers one webhook per event with Lever's own signature
tokens, a hire in the emulator reaches the SDK as HIRED and an outgoing `data-changed` without a scheduled delta,
and forged, replayed or stale deliveries change nothing."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from kombo import Kombo

from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.lever.emulator import DEFAULT_API_KEY, LeverEmulator, create_app
from apps.connectors.lever.emulator.webhooks import signature
from apps.connectors.lever.webhooks import EVENTS
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
)

# Each of the 4 hires sends `candidateArchiveChange` and `candidateHired`; with seed 14, 3 of the 8 are lost:
# one hire loses both (only the scheduled delta brings it), another one of its two.
COUNTS_WITH_30_PERCENT_LOST = {"pending": 0, "delivered": 5, "failed": 0, "dropped": 3}


@pytest.fixture(scope="module")
def app() -> LeverEmulator:
    return create_app(limits_enabled=False)  # the real clock: the platform checks `triggeredAt` against its own


@pytest.fixture(scope="module")
def server(app: LeverEmulator) -> Iterator[LoopbackServer]:
    with LoopbackServer(app) as server:
        yield server


@pytest.fixture
def url(app: LeverEmulator, server: LoopbackServer, settings: Any, live_server: Any) -> str:
    app.reset()
    settings.PUBLIC_BASE_URL = live_server.url
    return server.url


@pytest.fixture
def connected(environment: Environment, url: str) -> Integration:
    integration, endpoint = connected_with_webhooks(
        environment, tool="lever", base_url=url, credentials={"api_key": DEFAULT_API_KEY}
    )
    assert endpoint.state == InboundWebhookEndpoint.State.SUBSCRIBED
    return integration


def post(delivery: dict[str, Any], body: dict[str, Any]) -> requests.Response:
    headers = {"Content-Type": "application/json", "User-Agent": "Lever-Webhooks"}
    return requests.post(delivery["url"], data=json.dumps(body).encode(), headers=headers, timeout=10)


def test_a_hire_arrives_by_webhook_and_forged_replayed_or_stale_deliveries_change_nothing(
    connected: Integration, app: LeverEmulator, url: str, kombo_client: Callable[..., Kombo], settings: Any
) -> None:
    inbound = f"{settings.PUBLIC_BASE_URL}/webhooks/inbound/{connected.id}/{connected.inbound_webhook.token}"
    hooks = app.state.webhooks.values()
    assert sorted(h["event"] for h in hooks) == sorted(EVENTS)
    assert {h["url"] for h in hooks} == {inbound}
    kombo = kombo_client(integration_id=connected.id)
    target = next(o.id for o in app.state.opportunities.values() if o.archived_at is None)
    hired = next(r["id"] for r in app.state.archive_reasons if r["type"] == "hired")

    def hire() -> None:
        answer = requests.post(f"{url}/_emulator/opportunities/{target}/archived", json={"reason": hired}, timeout=10)
        answer.raise_for_status()

    with outgoing(connected.environment, settings) as (receiver, _), TaskPump() as pump:
        assert_change_arrives_by_webhook(
            integration=connected, kombo=kombo, receiver=receiver, pump=pump, change=hire,
            application_remote_id=target,
        )  # fmt: skip
        delivered = [d for d in emulator_deliveries(url)["deliveries"] if d["state"] == "delivered"]
        assert sorted(d["event"] for d in delivered) == ["candidateArchiveChange", "candidateHired"]
        delivery = next(d for d in delivered if d["event"] == "candidateHired")
        body = json.loads(delivery["body"])
        assert body["data"]["opportunityId"] == target

        # A correctly signed delivery whose `triggeredAt` is 4 hours old (we hold Lever's signature token here).
        token = next(h["signatureToken"] for h in hooks if h["event"] == "candidateHired")
        old = int(time.time() * 1000) - 4 * 3600 * 1000
        stale = {**body, "token": "s" * 48, "triggeredAt": old, "signature": signature(token, "s" * 48, old)}
        changes = assert_deliveries_change_nothing(
            integration=connected, receiver=receiver, pump=pump,
            sends=[
                lambda: post(delivery, {**body, "signature": "0" * 64}),  # forged signature
                lambda: post(delivery, {k: v for k, v in body.items() if k != "signature"}),  # unsigned
                lambda: post(delivery, {**body, "triggeredAt": body["triggeredAt"] + 1}),  # altered timestamp
                lambda: post(delivery, stale),
                lambda: post({**delivery, "url": delivery["url"][:-3] + "abc"}, body),  # wrong URL token
                lambda: post(delivery, body),  # a replay
                lambda: post(delivery, {**body, "id": "00000000-0000-0000-0000-000000000000"}),  # replay, new id
            ],
            statuses=[401, 401, 401, 401, 401, 200, 200],
        )  # fmt: skip
    assert changes == {"REJECTED": 5, "DUPLICATE": 2}

    # when the integration is deleted, its webhooks go from Lever
    integration_delete(integration=connected)
    assert app.state.webhooks == {}


def test_with_30_percent_of_deliveries_lost_the_next_scheduled_delta_brings_every_change(
    connected: Integration, app: LeverEmulator, url: str, kombo_client: Callable[..., Kombo]
) -> None:
    pending = sorted(o.id for o in app.state.opportunities.values() if o.archived_at is None)
    assert len(pending) == 4
    hired = next(r["id"] for r in app.state.archive_reasons if r["type"] == "hired")

    def archive(opportunity: str) -> None:
        answer = requests.post(f"{url}/_emulator/opportunities/{opportunity}/archived", json={"reason": hired},
                               timeout=10)  # fmt: skip
        answer.raise_for_status()

    assert_lost_deliveries_caught_by_the_next_delta(
        integration=connected, kombo=kombo_client(integration_id=connected.id), url=url,
        changes={opportunity: functools.partial(archive, opportunity) for opportunity in pending},
        names=lambda delivery: json.loads(delivery["body"])["data"]["opportunityId"],
        seed=14, counts=COUNTS_WITH_30_PERCENT_LOST, lost=1,  # that hire lost both its deliveries
    )  # fmt: skip
