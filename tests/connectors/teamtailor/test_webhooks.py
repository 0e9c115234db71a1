"""Teamtailor company webhooks over real HTTP: set up on the emulator's stand-in for Settings > Integrations >
Webhooks, sent by its outbox (signed `TT-Signature` v2, no retries) to a loopback receiver that calls
`parse_webhook` and the targeted read; forged, unsigned, tampered, stale, replayed and v1 deliveries refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
import requests

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import RemoteApplication, RemoteCandidate
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.webhooks import WebhookOutbox
from apps.connectors.teamtailor.emulator import TeamtailorEmulator
from apps.connectors.webhooks import WebhookSetup
from tests.connectors.teamtailor.conftest import TT
from tests.connectors.teamtailor.harness import teamtailor_connector
from tests.connectors.webhook_receiver import Receiver, receiving


@pytest.fixture
def outbox(tt_app: TeamtailorEmulator, tt: TT) -> WebhookOutbox:
    return tt_app.company_webhooks.outbox


def add_webhook(tt: TT, url: str, events: list[str], version: str = "v2") -> dict[str, Any]:
    answer = tt.control("POST", "/company-webhooks", json={"url": url, "events": events, "signature_version": version})
    assert answer.status_code == 201, answer.text
    return answer.json()


def flush(outbox: WebhookOutbox) -> dict[str, Any]:
    """In-process: `POST /_emulator/webhooks/flush` waits under the emulator's lock, which the read-back needs."""
    assert outbox.wait_idle(10)
    return outbox.snapshot()


def post(receiver: Receiver, body: bytes, headers: dict[str, str]) -> int:
    headers = {"Content-Type": "application/json", **headers}
    return requests.post(receiver.url, data=body, headers=headers, timeout=10).status_code


def test_a_stage_move_sends_one_signed_v2_webhook_and_the_targeted_read_shows_hired(
    tt: TT, tt_app: TeamtailorEmulator, tt_clock: ManualClock, outbox: WebhookOutbox
) -> None:
    connector = teamtailor_connector(f"{tt.url}/eu")
    assert connector.webhook_setup == WebhookSetup.MANUAL
    application = next(iter(tt_app.state.job_applications.values()))
    hired = next(s for s in tt_app.state.job_stages(application.job_id) if s.stage_type == "Hired")
    with receiving(connector, "", clock=tt_clock.now) as receiver:
        hook = add_webhook(tt, receiver.url, ["job_application.update", "candidate.update"])
        receiver.secret = hook["signature_key"]
        body = {"data": {"id": str(application.id), "type": "job-applications", "relationships": {}}}
        body["data"]["relationships"]["stage"] = {"data": {"id": str(hired.id), "type": "stages"}}
        assert tt.patch(f"/job-applications/{application.id}", json=body).status_code == 200
        sent = flush(outbox)

    assert sent["counts"] == {"pending": 0, "delivered": 1, "failed": 0, "dropped": 0}
    [entry] = receiver.accepted()
    assert entry.event is not None
    assert (entry.event.event_type, entry.event.occurred_at) == ("job_application.update", tt_clock.now())
    delivered = json.loads(entry.body)
    assert entry.headers["tt-signature"] == delivered["signature"]
    timestamp = int(tt_clock.now().timestamp())
    signed = f"{timestamp}.{json.dumps(delivered['payload'], separators=(',', ':'), ensure_ascii=False)}"
    digest = hmac.new(hook["signature_key"].encode(), signed.encode(), hashlib.sha256).hexdigest()
    assert base64.b64decode(delivered["signature"]).decode() == f"t={timestamp},v2={digest}"
    assert delivered["payload"]["data"]["attributes"]["stage_name"] == "Hired"
    [app] = entry.records[ReadModel.APPLICATIONS]
    assert isinstance(app, RemoteApplication)
    assert (app.remote_id, app.outcome, app.current_stage_remote_id) == (str(application.id), "HIRED", str(hired.id))


def test_forged_unsigned_tampered_replayed_stale_and_v1_deliveries_are_refused(
    tt: TT, tt_clock: ManualClock, outbox: WebhookOutbox
) -> None:
    connector = teamtailor_connector(f"{tt.url}/eu")
    with receiving(connector, "", clock=tt_clock.now) as receiver:
        hook = add_webhook(tt, receiver.url, ["candidate.create", "candidate.update"])
        add_webhook(tt, receiver.url, ["candidate.update"], version="v1")
        receiver.secret = hook["signature_key"]
        created = tt.post(
            "/candidates",
            json={"data": {"type": "candidates", "attributes": {"first-name": "Ada", "email": "ada@hooks.example"}}},
        )
        assert created.status_code == 201
        flush(outbox)
        [first] = receiver.received
        real = first.headers["tt-signature"]
        timestamp = base64.b64decode(real).decode().split(",")[0]
        forged = base64.b64encode(f"{timestamp},v2={'0' * 64}".encode()).decode()
        tampered = first.body.replace(created.json()["data"]["id"].encode(), b"999999")
        statuses = [
            post(receiver, first.body, {"TT-Signature": forged}),
            post(receiver, first.body, {}),
            post(receiver, tampered, {"TT-Signature": real}),
            post(receiver, first.body, {"TT-Signature": real}),  # replayed within the tolerance
        ]
        tt_clock.advance(6 * 60)
        statuses.append(post(receiver, first.body, {"TT-Signature": real}))  # replayed later: stale
        # A tag change fires no candidate.update (not one of its fields); a new first name does, signed twice.
        candidate_id = created.json()["data"]["id"]
        for attributes in ({"tags": ["vip"]}, {"first-name": "Ada L."}):
            body = {"data": {"id": candidate_id, "type": "candidates", "attributes": attributes}}
            assert tt.patch(f"/candidates/{candidate_id}", json=body).status_code == 200
        flush(outbox)

    assert statuses == [401, 401, 401, 200, 401]
    reasons = [entry.rejected for entry in receiver.received]
    assert reasons[1:4] == [
        "TT-Signature does not match the payload",
        "missing TT-Signature",
        "TT-Signature does not match the payload",
    ]
    assert receiver.received[4].replay is True
    assert reasons[5] == "TT-Signature time is outside the tolerance (stale or replayed)"
    updates = receiver.received[6:]
    assert sorted(str(entry.rejected) for entry in updates) == [
        "None",
        "not a v2 TT-Signature (v1 is deprecated and unsigned in time: choose v2)",
    ]
    accepted = [entry for entry in updates if entry.event is not None]
    assert [e.event.event_type for e in accepted if e.event] == ["candidate.update"]
    [candidate] = accepted[0].records[ReadModel.CANDIDATES]
    assert isinstance(candidate, RemoteCandidate)
    assert candidate.first_name == "Ada L."


def test_teamtailor_does_not_retry_and_a_deleted_candidate_reads_back_absent(
    tt: TT, tt_app: TeamtailorEmulator, tt_clock: ManualClock, outbox: WebhookOutbox
) -> None:
    connector = teamtailor_connector(f"{tt.url}/eu")
    candidate = next(iter(tt_app.state.candidates.values()))
    with receiving(connector, "", clock=tt_clock.now) as receiver:
        hook = add_webhook(tt, receiver.url, ["candidate.update", "candidate.destroy"])
        receiver.secret = hook["signature_key"]
        receiver.answers = [500]
        body = {"data": {"id": str(candidate.id), "type": "candidates", "attributes": {"pitch": "New pitch"}}}
        assert tt.patch(f"/candidates/{candidate.id}", json=body).status_code == 200
        failed = flush(outbox)["deliveries"]
        assert tt.control("DELETE", f"/records/candidates/{candidate.id}").status_code == 200
        deleted = flush(outbox)["deliveries"]

    assert [(d["event"], d["state"], [a["status"] for a in d["attempts"]]) for d in failed] == [
        ("candidate.update", "failed", [500])
    ]
    assert [(d["event"], d["state"]) for d in deleted] == [
        ("candidate.update", "failed"),
        ("candidate.destroy", "delivered"),
    ]
    [destroy] = receiver.accepted()
    assert json.loads(destroy.body)["payload"]["data"] == {"id": str(candidate.id), "type": "candidates"}
    assert destroy.records[ReadModel.CANDIDATES] == []  # absent from the targeted read: gone
