"""Lever webhooks over loopback: the connector subscribes through the emulator's `/v1/webhooks`, the emulator's
outbox POSTs each state change to a small receiver that verifies it with `parse_webhook` and reads the named
records with `read(model, remote_ids=[...])`; forged, unsigned, replayed and stale deliveries are refused."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import RemoteRecord
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.errors import ConnectorPermissionError
from apps.connectors.lever.connector import LeverConnector
from apps.connectors.lever.emulator import ADMIN_ID
from apps.connectors.lever.emulator.webhooks import RETRY_DELAYS
from apps.connectors.lever.webhooks import EVENTS, MAX_AGE
from apps.connectors.webhooks import InboundWebhook, WebhookEvent, WebhookRejected, WebhookSetup, WebhookTarget
from tests.connectors.lever.conftest import LV
from tests.connectors.lever.harness import NEW_APPLICANT, OPEN_POSTING, lever_connector


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    event: WebhookEvent | None = None
    rejected: str | None = None
    records: dict[WebhookTarget, list[RemoteRecord]] = field(default_factory=dict)


class Receiver:
    """Answers each POST as the platform will: 401 for a refused delivery, else 200 after the targeted reads;
    `fail_first` answers that many deliveries 500 first."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.connector: LeverConnector | None = None
        self.secret = ""
        self.fail_first = 0
        self.received: list[Received] = []
        self.lock = threading.Lock()

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            if self.fail_first > 0:
                self.fail_first -= 1
                return 500
            entry = Received(headers=headers, body=body)
            self.received.append(entry)
            assert self.connector is not None
            webhook = InboundWebhook(headers=headers, body=body, received_at=self.clock.now())
            try:
                entry.event = self.connector.parse_webhook(webhook, secret=self.secret)
            except WebhookRejected as exc:
                entry.rejected = exc.reason
                return 401
            for target in entry.event.targets:
                entry.records[target] = list(self.connector.read(target.model, remote_ids=[target.remote_id]).items)
            return 200

    def events(self) -> list[str]:
        return [r.event.event_type for r in self.received if r.event is not None]


@pytest.fixture(scope="module")
def receiver(lv_clock: ManualClock) -> Iterator[tuple[Receiver, str]]:
    state = Receiver(lv_clock)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = state.handle({k.lower(): v for k, v in self.headers.items()}, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/webhooks/inbound/int-1/tok-1"
    server.shutdown()
    server.server_close()


@pytest.fixture
def hooked(lv: LV, receiver: tuple[Receiver, str]) -> tuple[LV, Receiver, str]:
    """Subscribed to the receiver; nothing received yet."""
    state, url = receiver
    connector = lever_connector(lv.url)
    subscription = connector.subscribe_webhooks(url=url, secret="ours-unused")
    assert subscription.secret is not None
    state.connector, state.secret, state.fail_first = connector, subscription.secret, 0
    state.received.clear()
    lv.control("POST", "/webhooks", json={"retry_time_scale": 0.0001})
    return lv, state, url


def flush(lv: LV) -> dict[str, Any]:
    # In process, not `POST /_emulator/webhooks/flush`: that control waits under the emulator's request lock, so
    # the receiver's targeted read back into the emulator would wait for it.
    assert lv.app.outbox.wait_idle(10)
    return lv.control("GET", "/webhooks").json()


def create(lv: LV, email: str) -> dict[str, Any]:
    body = {"name": "Grace Hopper", "emails": [email], "postings": [OPEN_POSTING]}
    answer = lv.post("/opportunities", params={"perform_as": ADMIN_ID}, json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()["data"]


def test_the_connector_declares_api_webhooks_for_its_events() -> None:
    assert LeverConnector.webhook_setup == WebhookSetup.API
    assert LeverConnector.webhook_events == EVENTS
    assert "webhooks:write:admin" in LeverConnector.auth_modes[1].oauth_scopes


def test_subscribe_registers_one_webhook_per_event_with_its_token_and_unsubscribe_removes_them(lv: LV) -> None:
    foreign = lv.post("/webhooks", json={"url": "https://elsewhere.example/hook", "event": "candidateHired"})
    assert foreign.status_code == 201
    connector = lever_connector(lv.url)
    url = "https://tributary.example/webhooks/inbound/i1/t1"

    first = connector.subscribe_webhooks(url=url, secret="ours")
    ours = [h for h in lv.state()["webhooks"] if h["url"] == url]
    assert sorted(h["event"] for h in ours) == sorted(EVENTS)
    assert sorted(first.remote_ids) == sorted(h["id"] for h in ours)
    assert first.secret is not None
    assert json.loads(first.secret) == {h["event"]: h["signatureToken"] for h in ours}  # Lever's, not ours
    assert "signatureToken" not in json.dumps(lv.get("/webhooks").json())  # shown once, at the create

    again = connector.subscribe_webhooks(url=url, secret="ours")  # idempotent: still one per event
    ours = [h for h in lv.state()["webhooks"] if h["url"] == url]
    assert sorted(h["event"] for h in ours) == sorted(EVENTS)
    assert sorted(again.remote_ids) == sorted(h["id"] for h in ours)
    assert set(again.remote_ids).isdisjoint(first.remote_ids)  # replaced: the old tokens could not be read back

    connector.unsubscribe_webhooks(again)
    connector.unsubscribe_webhooks(again)  # already gone: no error
    assert [h["url"] for h in lv.state()["webhooks"]] == ["https://elsewhere.example/hook"]


def test_subscribing_needs_the_webhooks_write_permission(lv: LV) -> None:
    scopes = ["opportunities:read:admin", "postings:read:admin"]
    assert lv.control("POST", "/api-keys", json={"key": "no-hooks", "scopes": scopes}).status_code == 201
    with pytest.raises(ConnectorPermissionError):
        lever_connector(lv.url, key="no-hooks").subscribe_webhooks(url="https://t.example/h", secret="s")
    assert lv.state()["webhooks"] == []


def test_each_change_is_delivered_signed_and_its_records_read(hooked: tuple[LV, Receiver, str]) -> None:
    lv, receiver, url = hooked
    created = create(lv, "grace@navy.example")
    opportunity, contact = created["id"], created["contact"]
    assert lv.put(f"/opportunities/{opportunity}/stage", json={"stage": NEW_APPLICANT}).ok
    [hired_reason] = lv.get("/archive_reasons", params={"type": "hired"}).json()["data"]
    assert lv.put(f"/opportunities/{opportunity}/archived", json={"reason": hired_reason["id"]}).ok
    assert lv.control("PUT", f"/contacts/{contact}", json={"headline": "Rear Admiral"}).ok
    snapshot = flush(lv)

    assert snapshot["counts"]["delivered"] == 6
    assert receiver.events() == ["contactCreated", "applicationCreated", "candidateStageChange",
                                 "candidateArchiveChange", "candidateHired", "contactUpdated"]  # fmt: skip
    assert all(r.rejected is None for r in receiver.received)
    assert {r.headers["user-agent"] for r in receiver.received} == {"Lever-Webhooks"}
    body = json.loads(receiver.received[2].body)
    assert set(body) == {"id", "event", "triggeredAt", "token", "signature", "data"}
    assert len(body["token"]) == 48
    assert body["data"]["toStageId"] == NEW_APPLICANT
    assert {d["url"] for d in snapshot["deliveries"]} == {url}

    by_type = {r.event.event_type: r for r in receiver.received if r.event is not None}
    application = WebhookTarget(ReadModel.APPLICATIONS, opportunity)
    candidate = WebhookTarget(ReadModel.CANDIDATES, contact)
    assert by_type["candidateStageChange"].event.targets == (application,)  # type: ignore[union-attr]
    assert by_type["applicationCreated"].event.targets == (application, candidate)  # type: ignore[union-attr]
    assert by_type["contactUpdated"].event.targets == (candidate,)  # type: ignore[union-attr]
    hired = by_type["candidateHired"]
    assert hired.event is not None
    assert hired.event.occurred_at is not None
    assert int(hired.event.occurred_at.timestamp() * 1000) == json.loads(hired.body)["triggeredAt"]
    assert json.loads(hired.body)["triggeredAt"] == lv.app.state.now()
    [record] = hired.records[application]
    assert (record.remote_id, record.outcome) == (opportunity, "HIRED")  # type: ignore[attr-defined]
    [person] = by_type["contactUpdated"].records[candidate]
    assert person.remote_id == contact
    assert person.title == "Rear Admiral"  # type: ignore[attr-defined]


def test_a_deleted_opportunity_is_announced_and_reads_as_gone(hooked: tuple[LV, Receiver, str]) -> None:
    lv, receiver, _ = hooked
    opportunity = create(lv, "ada@x.example")["id"]
    assert lv.control("DELETE", f"/opportunities/{opportunity}").ok
    flush(lv)
    [deleted] = [r for r in receiver.received if r.event is not None and r.event.event_type == "candidateDeleted"]
    assert deleted.records[WebhookTarget(ReadModel.APPLICATIONS, opportunity)] == []  # absent: gone


def _stage_change_failing(hooked: tuple[LV, Receiver, str], failures: int) -> dict[str, Any]:
    lv, receiver, _ = hooked
    opportunity = create(lv, f"retry{failures}@x.example")["id"]
    flush(lv)
    receiver.fail_first = failures
    assert lv.put(f"/opportunities/{opportunity}/stage", json={"stage": NEW_APPLICANT}).ok
    [stage] = [d for d in flush(lv)["deliveries"] if d["event"] == "candidateStageChange"]
    return stage


def test_a_failed_delivery_is_retried_with_the_same_signed_body(hooked: tuple[LV, Receiver, str]) -> None:
    stage = _stage_change_failing(hooked, 2)
    assert (stage["state"], [a["status"] for a in stage["attempts"]]) == ("delivered", [500, 500, 200])
    receiver = hooked[1]
    assert receiver.events() == ["contactCreated", "applicationCreated", "candidateStageChange"]
    assert receiver.received[-1].body.decode() == stage["body"]


def test_a_delivery_is_given_up_after_five_retries(hooked: tuple[LV, Receiver, str]) -> None:
    stage = _stage_change_failing(hooked, 6)
    assert (stage["state"], [a["status"] for a in stage["attempts"]]) == ("failed", [500] * 6)
    assert len(RETRY_DELAYS) == 5
    assert hooked[1].events() == ["contactCreated", "applicationCreated"]


def test_origin_conditions_filter_the_first_four_events(lv: LV, hooked: tuple[LV, Receiver, str]) -> None:
    _, receiver, url = hooked
    for hook in lv.get("/webhooks").json()["data"]:
        if hook["event"] in ("applicationCreated", "contactCreated"):
            update = {"id": hook["id"], "configuration": {"conditions": {"origins": ["referred"]}}}
            assert lv.put("/webhooks", json={"data": [update]}).ok
    create(lv, "sourced@x.example")  # origin `sourced`
    flush(lv)
    assert receiver.events() == ["contactCreated"]  # contact events take no origin condition


def _one_delivery(hooked: tuple[LV, Receiver, str]) -> tuple[Received, LeverConnector, str]:
    lv, receiver, _ = hooked
    opportunity = create(lv, "mallory@x.example")["id"]
    assert lv.put(f"/opportunities/{opportunity}/stage", json={"stage": NEW_APPLICANT}).ok
    flush(lv)
    [stage] = [r for r in receiver.received if r.event is not None and r.event.event_type == "candidateStageChange"]
    assert receiver.connector is not None
    return stage, receiver.connector, receiver.secret


def _parse(connector: LeverConnector, secret: str, body: Any, received: Received, **later: float) -> WebhookEvent:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    assert received.event is not None
    assert received.event.occurred_at is not None
    at = received.event.occurred_at + timedelta(**later)
    return connector.parse_webhook(InboundWebhook(headers=received.headers, body=raw, received_at=at), secret=secret)


def test_forged_unsigned_and_stale_deliveries_are_refused(hooked: tuple[LV, Receiver, str]) -> None:
    received, connector, secret = _one_delivery(hooked)
    body = json.loads(received.body)
    assert _parse(connector, secret, body, received) == received.event  # the genuine one, again

    forged = [
        {**body, "signature": "0" * 64},  # a made-up signature
        {**body, "triggeredAt": body["triggeredAt"] + 1},  # the signed timestamp altered
        {**body, "token": "x" * 48},  # the signed token altered
        {**body, "event": "candidateHired"},  # another event's signature token does not match
        {k: v for k, v in body.items() if k != "signature"},  # unsigned
        {k: v for k, v in body.items() if k != "triggeredAt"},
    ]
    for attempt in forged:
        with pytest.raises(WebhookRejected):
            _parse(connector, secret, attempt, received)
    with pytest.raises(WebhookRejected):
        _parse(connector, secret, b"not json", received)
    with pytest.raises(WebhookRejected):  # verified with another subscription's tokens
        _parse(connector, json.dumps(dict.fromkeys(EVENTS, "f" * 48)), body, received)
    with pytest.raises(WebhookRejected, match="stale"):
        _parse(connector, secret, body, received, seconds=MAX_AGE.total_seconds() + 1)
    with pytest.raises(WebhookRejected, match="future"):
        _parse(connector, secret, body, received, minutes=-6)
    assert _parse(connector, secret, body, received, seconds=MAX_AGE.total_seconds() - 1).event_id == body["token"]


def test_a_replay_keeps_its_event_id_even_with_another_id(hooked: tuple[LV, Receiver, str]) -> None:
    received, connector, secret = _one_delivery(hooked)
    body = json.loads(received.body)
    replayed = _parse(connector, secret, {**body, "id": "00000000-0000-0000-0000-000000000000"}, received)
    assert received.event is not None
    assert replayed.event_id == received.event.event_id == body["token"]  # the platform drops it as seen


def test_the_freshness_window_outlasts_the_retries() -> None:
    assert MAX_AGE > timedelta(seconds=sum(RETRY_DELAYS))


def test_targeted_reads_of_jobs_candidates_and_applications(lv: LV) -> None:
    created = create(lv, "target@x.example")
    connector = lever_connector(lv.url)
    [job] = connector.read(ReadModel.JOBS, remote_ids=[OPEN_POSTING]).items
    [candidate] = connector.read(ReadModel.CANDIDATES, remote_ids=[created["contact"]]).items
    [application] = connector.read(ReadModel.APPLICATIONS, remote_ids=[created["id"], "no-such-id"]).items
    assert (job.remote_id, candidate.remote_id, application.remote_id) == (
        OPEN_POSTING, created["contact"], created["id"],
    )  # fmt: skip
    assert application.candidate_remote_id == created["contact"]  # type: ignore[attr-defined]
