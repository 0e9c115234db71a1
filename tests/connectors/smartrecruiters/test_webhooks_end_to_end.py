"""SmartRecruiters webhooks end to end over loopback: subscribe (the `X-Hook-Secret` handshake), a hire in the
emulator reaches the SDK as HIRED and an outgoing `data-changed` without any scheduled delta, forged and replayed
deliveries change nothing, and with 30 % of the deliveries lost the next scheduled delta brings every change."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from django.test import Client
from django.urls import reverse
from kombo import Kombo

from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, SmartRecruitersEmulator, create_app
from apps.core.timeutils import utcnow
from apps.integrations.models import ApiKey, Environment, InboundWebhookEndpoint, Integration, SyncRun
from apps.integrations.services import integration_set_enabled
from tests.connectors.smartrecruiters.harness import Emulator
from tests.connectors.sync_support import every
from tests.connectors.webhook_support import (
    TaskPump,
    assert_lost_deliveries_caught_by_the_next_delta,
    connected_with_webhooks,
    data_changed_models,
    emulator_deliveries,
    inbound_counts,
    outgoing,
    replay,
    stored_counts,
    wait_for,
)

# Small (SmartRecruiters' budget of 9 requests/s makes every read count): 9 applications, 8 of them open.
SEED = {"seed": 7, "users": 1, "jobs": 1, "candidates": 9, "applications": 9}
OPEN = ("NEW", "IN_REVIEW", "INTERVIEW", "OFFERED")


@pytest.fixture(scope="module")
def sr_app() -> SmartRecruitersEmulator:
    return create_app(seed=SEED, limits_enabled=False)


@pytest.fixture(scope="module")
def sr_server(sr_app: SmartRecruitersEmulator) -> Iterator[LoopbackServer]:
    with LoopbackServer(sr_app) as server:
        yield server


@pytest.fixture
def emulator(sr_server: LoopbackServer, sr_app: SmartRecruitersEmulator, settings: Any, live_server: Any) -> Emulator:
    sr_app.reset_state()
    sr_app.subscriptions.clear()
    sr_app.outbox.reset()
    settings.CONNECTOR_BASE_URLS = {"smartrecruiters": sr_server.url}
    settings.PUBLIC_BASE_URL = live_server.url
    return Emulator(sr_server, sr_app)


@pytest.fixture
def connected(environment: Environment, emulator: Emulator) -> Integration:
    integration, endpoint = connected_with_webhooks(
        environment, tool="smartrecruiters", base_url=emulator.url, credentials={"api_key": DEFAULT_API_KEY}
    )
    assert endpoint.state == InboundWebhookEndpoint.State.SUBSCRIBED
    return integration


def open_applications(emulator: Emulator) -> list[dict[str, Any]]:
    return [item for item in emulator.state()["applications"] if item["status"] in OPEN]


def outcomes(kombo: Kombo) -> dict[str, str | None]:
    return {application.remote_id: application.outcome for application in every(kombo.ats.get_applications)}


def move(emulator: Emulator, application: dict[str, Any], status: str) -> None:
    body = {"candidateId": application["candidateId"], "jobId": application["jobId"], "status": status}
    emulator.control("POST", "/applications/status", json=body)


def remote_id(application: dict[str, Any]) -> str:
    return f"{application['candidateId']}:{application['jobId']}"


def test_a_hire_reaches_the_sdk_and_a_data_changed_and_forged_or_replayed_deliveries_change_nothing(
    connected: Integration, emulator: Emulator, sr_app: SmartRecruitersEmulator, kombo_client: Callable[..., Kombo],
    settings: Any, live_server: Any, api_key: ApiKey, admin_client: Client,
) -> None:  # fmt: skip
    # given one active, signed subscription, made through the X-Hook-Secret handshake
    (subscription,) = sr_app.subscriptions.values()
    assert subscription.status == "active"
    assert subscription.callback_url.endswith(f"/webhooks/inbound/{connected.id}/{connected.inbound_webhook.token}")
    assert "application.status.updated" in [event["name"] for event in subscription.events]
    assert len(subscription.keys) == 1
    assert inbound_counts(connected)["HANDSHAKE"] == 1
    kombo = kombo_client(integration_id=connected.id)
    application = open_applications(emulator)[0]
    assert outcomes(kombo)[remote_id(application)] == "PENDING"
    with outgoing(connected.environment, settings) as (receiver, _), TaskPump() as pump:
        # when a recruiter hires in SmartRecruiters
        move(emulator, application, "HIRED")
        # then the SDK shows it, and a data-changed announces it, with no scheduled delta in between
        wait_for(lambda: outcomes(kombo)[remote_id(application)] == "HIRED", what="HIRED through the SDK")
        wait_for(lambda: any("ats_applications" in m for m in data_changed_models(receiver)), what="data-changed")
        pump.idle()
        changed = data_changed_models(receiver)
        # the application alone: its candidate is known and not re-read (its updatedOn comes with the next delta)
        assert changed == [["ats_applications"]]
        runs = list(SyncRun.objects.filter(integration=connected).order_by("created_at").values_list("type", "trigger"))
        assert runs == [("FULL", "COMMAND"), ("TARGETED", "WEBHOOK")]
        counts = inbound_counts(connected)
        assert (counts["ACCEPTED"], counts["REJECTED"], counts["DUPLICATE"], counts["pending"]) == (1, 0, 0, 0)

        # when the delivery is replayed as it was, and sent forged in five ways
        (delivery,) = [item for item in emulator_deliveries(emulator.url)["deliveries"] if item["state"] == "delivered"]
        before, stored = inbound_counts(connected), stored_counts(connected)
        answers = [
            replay(delivery).status_code,  # the very same delivery again: a duplicate
            replay(delivery, smartrecruiters_signature="v1=" + "0" * 64).status_code,  # forged signature
            replay(delivery, smartrecruiters_signature=None).status_code,  # unsigned
            replay(delivery, smartrecruiters_timestamp=str(int(utcnow().timestamp()) - 3600)).status_code,  # stale
            replay({**delivery, "url": delivery["url"][:-3] + "abc"}).status_code,  # wrong URL token
            replay({**delivery, "body": delivery["body"].replace("}", ',"x":1}')}).status_code,  # body altered
        ]
        pump.idle()
    # then nothing is read or stored, and nothing announced: exact counts
    assert answers == [202, 401, 401, 401, 401, 401]
    after = inbound_counts(connected)
    assert after == {**before, "DUPLICATE": before["DUPLICATE"] + 1, "REJECTED": before["REJECTED"] + 5}
    assert after["runs"] == before["runs"]  # no targeted read was started
    assert stored_counts(connected) == stored
    assert len(data_changed_models(receiver)) == 1

    # and freshness is shown: the details' extension (the official SDK still parses them) and the admin page
    assert kombo.general.get_integration_details(integration_id=connected.id).data.id == connected.id
    raw = requests.get(
        f"{live_server.url}/v1/integrations/{connected.id}", headers={"Authorization": f"Bearer {api_key.raw_key}"},
        timeout=10,
    ).json()["data"]["inbound_webhooks"]  # fmt: skip
    assert (raw["setup"], raw["status"], raw["healthy"]) == ("API", "SUBSCRIBED", True)
    assert raw["vendor_key_stored"] is None  # SmartRecruiters' key comes from its API, nobody pastes it
    models = {row["model"]: row for row in raw["models"]}
    assert sorted(models) == ["ats_applications"]
    assert models["ats_applications"]["lag_seconds"] >= 0
    assert models["ats_applications"]["last_targeted_sync_at"] is not None
    page = admin_client.get(reverse("admin:integrations_integration_change", args=[connected.id])).content.decode()
    assert 'class="inbound-status" data-status="SUBSCRIBED"' in page
    assert connected.inbound_webhook.token in page
    assert "healthy: scheduled deltas 3× less often" in page

    # when the integration is switched off, its subscription is removed from SmartRecruiters
    integration_set_enabled(integration=connected, enabled=False)
    assert sr_app.subscriptions == {}
    assert InboundWebhookEndpoint.objects.get(pk=connected.pk).state == "UNSUBSCRIBED"


def test_with_30_percent_of_deliveries_lost_the_next_scheduled_delta_brings_every_change(
    connected: Integration, emulator: Emulator, kombo_client: Callable[..., Kombo]
) -> None:
    moved = open_applications(emulator)
    assert len(moved) == 8
    # one application.status.updated per move; seed 3 loses three of the eight
    assert_lost_deliveries_caught_by_the_next_delta(
        integration=connected, kombo=kombo_client(integration_id=connected.id), url=emulator.url,
        changes={remote_id(a): functools.partial(move, emulator, a, "HIRED") for a in moved},
        names=lambda delivery: "{candidate_id}:{job_id}".format(**json.loads(delivery["body"])),
        seed=3, counts={"pending": 0, "delivered": 5, "failed": 0, "dropped": 3}, lost=3,
    )  # fmt: skip
