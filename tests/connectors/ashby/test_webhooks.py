"""Ashby webhooks over real HTTP: the connector subscribes through the emulator's `webhook.create`, the emulator's
outbox sends signed deliveries to a loopback receiver that calls `parse_webhook` and the targeted read; forged,
unsigned and replayed deliveries change nothing; Ashby's retry schedule and its no-retry statuses."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
import requests

from apps.connectors.ashby.emulator import AshbyEmulator
from apps.connectors.ashby.emulator.webhooks import RETRY_DELAYS
from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import RemoteApplication
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.emulation.webhooks import WebhookOutbox
from apps.connectors.webhooks import WebhookSetup
from tests.connectors.ashby.harness import AshbyHarness
from tests.connectors.webhook_receiver import receiving

SECRET = "our-secret-for-ashby"


@pytest.fixture
def harness(ashby_server: LoopbackServer, ashby_app: AshbyEmulator, ashby_clock: ManualClock) -> AshbyHarness:
    harness = AshbyHarness(ashby_server.url, ashby_clock)
    harness.control("POST", "/webhooks", json={"retry_time_scale": 0.001})
    return harness


@pytest.fixture
def outbox(ashby_app: AshbyEmulator) -> WebhookOutbox:
    return ashby_app.webhooks.outbox


def hired_stage(harness: AshbyHarness, application: dict[str, Any]) -> str:
    plan = harness.api("jobInterviewPlan.info", {"jobId": application["job"]["id"]})
    return next(stage["id"] for stage in plan["stages"] if stage["type"] == "Hired")


def flush(outbox: WebhookOutbox) -> dict[str, Any]:
    """Wait for the outbox in-process: `POST /_emulator/webhooks/flush` waits under the emulator's lock, which
    the receiver's read-back needs."""
    assert outbox.wait_idle(10)
    return outbox.snapshot()


def test_a_hire_in_ashby_reaches_the_receiver_signed_and_reads_back_hired(
    harness: AshbyHarness, outbox: WebhookOutbox
) -> None:
    connector = harness.connector()
    assert connector.webhook_setup == WebhookSetup.API
    application = harness.state()["applications"][0]
    with receiving(connector, SECRET) as receiver:
        subscription = connector.subscribe_webhooks(url=receiver.url, secret=SECRET)
        assert len(subscription.remote_ids) == len(connector.webhook_events) == 6
        hooks = [harness.api("webhook.info", {"webhookId": i}) for i in subscription.remote_ids]
        assert {h["webhookType"] for h in hooks} == set(connector.webhook_events)
        assert {(h["requestUrl"], h["secretToken"], h["enabled"]) for h in hooks} == {(receiver.url, SECRET, True)}

        harness.api(
            "application.changeStage",
            {"applicationId": application["id"], "interviewStageId": hired_stage(harness, application)},
        )
        outbox = flush(outbox)

    assert outbox["counts"]["delivered"] == 2
    accepted = receiver.accepted()
    assert [entry.event.event_type for entry in accepted if entry.event] == ["candidateStageChange", "candidateHire"]
    for entry in accepted:
        signature = hmac.new(SECRET.encode(), entry.body, hashlib.sha256).hexdigest()
        assert entry.headers["ashby-signature"] == f"sha256={signature}"
        [app] = entry.records[ReadModel.APPLICATIONS]
        assert isinstance(app, RemoteApplication)
        assert (app.remote_id, app.outcome) == (application["id"], "HIRED")
        assert [c.remote_id for c in entry.records[ReadModel.CANDIDATES]] == [application["candidate"]["id"]]
    # one webhookActionId per action, different actions different ids
    assert len({entry.event.event_id for entry in accepted if entry.event}) == 2


def test_forged_unsigned_and_replayed_deliveries_change_nothing(harness: AshbyHarness, outbox: WebhookOutbox) -> None:
    connector = harness.connector()
    application = harness.state()["applications"][0]
    with receiving(connector, SECRET) as receiver:
        connector.subscribe_webhooks(url=receiver.url, secret=SECRET)
        harness.api("candidate.createNote", {"candidateId": application["candidate"]["id"], "note": "no webhook"})
        harness.api("application.changeSource", {"applicationId": application["id"], "sourceId": None})
        flush(outbox)
        [update] = receiver.received
        assert update.event is not None
        assert update.event.event_type == "applicationUpdate"

        body = update.body
        forged = hmac.new(b"someone-else", body, hashlib.sha256).hexdigest()
        tampered = body.replace(application["id"].encode(), b"another-application")
        posts = [
            ({"Ashby-Signature": f"sha256={forged}"}, body),
            ({}, body),  # unsigned
            ({"Ashby-Signature": update.headers["ashby-signature"]}, tampered),
            ({"Ashby-Signature": update.headers["ashby-signature"]}, body),  # a replay of the real one
        ]
        statuses = [
            requests.post(
                receiver.url, data=data, headers={"Content-Type": "application/json", **headers}, timeout=10
            ).status_code
            for headers, data in posts
        ]

    assert statuses == [401, 401, 401, 200]
    assert [entry.rejected for entry in receiver.received[1:4]] == [
        "Ashby-Signature does not match the body",
        "missing or malformed Ashby-Signature",
        "Ashby-Signature does not match the body",
    ]
    replay = receiver.received[4]
    assert replay.replay is True
    assert replay.event is not None
    assert replay.event.event_id == json.loads(body)["webhookActionId"]
    assert len(receiver.accepted()) == 1  # the replay was not processed again


def test_ashby_retries_a_failing_endpoint_on_its_schedule_but_not_after_410(
    harness: AshbyHarness, outbox: WebhookOutbox
) -> None:
    assert RETRY_DELAYS[:4] == (10.0, 30.0, 70.0, 150.0)
    assert len(RETRY_DELAYS) == 9  # 10 attempts in all
    connector = harness.connector()
    first, second = harness.state()["applications"][:2]
    with receiving(connector, SECRET) as receiver:
        connector.subscribe_webhooks(url=receiver.url, secret=SECRET)
        receiver.answers = [503, 500]
        harness.api("application.changeSource", {"applicationId": first["id"], "sourceId": None})
        retried = flush(outbox)["deliveries"]
        receiver.answers = [410]
        harness.api("application.changeSource", {"applicationId": second["id"], "sourceId": None})
        gone = flush(outbox)["deliveries"]

    assert [a["status"] for a in retried[0]["attempts"]] == [503, 500, 200]
    assert retried[0]["state"] == "delivered"
    assert [a["status"] for a in gone[1]["attempts"]] == [410]
    assert gone[1]["state"] == "failed"
    assert [entry.event.event_type for entry in receiver.accepted() if entry.event] == ["applicationUpdate"]


def test_unsubscribing_removes_every_webhook_and_a_deleted_candidate_is_named(
    harness: AshbyHarness, outbox: WebhookOutbox
) -> None:
    connector = harness.connector()
    application = harness.state()["applications"][0]
    candidate_id = application["candidate"]["id"]
    with receiving(connector, SECRET) as receiver:
        subscription = connector.subscribe_webhooks(url=receiver.url, secret=SECRET)
        harness.control("DELETE", f"/candidates/{candidate_id}")
        flush(outbox)
        connector.unsubscribe_webhooks(subscription)
        connector.unsubscribe_webhooks(subscription)  # gone already: not an error
        remaining = harness.state()["applications"][0]["id"]
        harness.api("application.changeSource", {"applicationId": remaining, "sourceId": None})
        after = flush(outbox)

    [deleted] = receiver.accepted()
    assert deleted.event is not None
    assert deleted.event.event_type == "candidateDelete"
    assert [(t.model, t.remote_id) for t in deleted.event.targets] == [(ReadModel.CANDIDATES, candidate_id)]
    assert deleted.records[ReadModel.CANDIDATES] == []  # absent from the targeted read: gone
    assert after["counts"]["delivered"] == 1  # nothing sent after unsubscribing
    answer = requests.post(
        f"{harness.url}/webhook.info",
        auth=(harness.key, ""),
        json={"webhookId": subscription.remote_ids[0]},
        timeout=10,
    ).json()
    assert answer["errorInfo"]["code"] == "webhook_not_found"
