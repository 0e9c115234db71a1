"""Workable webhooks end to end over loopback (reference A7): the connector subscribes through `POST /subscriptions`
(one target per event, idempotent), the emulator sends `{"data": candidate}` signed `X-Workable-Signature` with the
subscribing token (or the OAuth app's secret) through its outbox, a loopback receiver verifies with `parse_webhook`
and reads the named application by id. Forged, unsigned, tampered and replayed deliveries change nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import requests

from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.emulation.vendor import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from apps.connectors.http import HttpClient, RetryPolicy
from apps.connectors.webhooks import InboundWebhook, WebhookRejected, WebhookSetup, WebhookTarget
from apps.connectors.workable.connector import WorkableConnector
from apps.connectors.workable.emulator import DEFAULT_TOKEN, SUBDOMAIN, WorkableEmulator
from tests.connectors.loopback_receiver import LoopbackReceiver
from tests.connectors.workable.conftest import WK
from tests.connectors.workable.harness import OPEN_JOB, workable_connector

MEMBER = "1f395d"


@pytest.fixture
def receiver(wk: WK) -> Iterator[LoopbackReceiver]:
    with LoopbackReceiver(lambda: workable_connector(wk.url), "platform-secret-unused") as receiver:
        yield receiver


def _flush(app: WorkableEmulator) -> dict:
    assert app.outbox.wait_idle(10)  # in-process: the flush control endpoint holds the emulator's lock
    return app.outbox.snapshot()["counts"]


def _create(wk: WK, email: str) -> str:
    body = {
        "candidate": {
            "name": "Ada Lovelace",
            "firstname": "Ada",
            "lastname": "Lovelace",
            "email": email,
            "answers": [{"question_key": "2128d717", "body": "Planning"}],
        }
    }
    answer = wk.post(f"/jobs/{OPEN_JOB}/candidates", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()["candidate"]["id"]


def _oauth_connector(url: str, token: str) -> WorkableConnector:
    credentials = {
        "access_token": token, "refresh_token": "r", "expires_at": "9999999999", "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET, "subdomain": SUBDOMAIN,
    }  # fmt: skip
    context = ConnectorContext(
        integration_key="workable:oauth-hooks", base_url=url, credentials=credentials,
        auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE,
        http=HttpClient(base_url=url, rate_key="workable:oauth-hooks", retry=RetryPolicy.never()),
    )  # fmt: skip
    return WorkableConnector(context)


def test_subscribe_is_idempotent_one_target_per_event_and_unsubscribe_removes_them(wk: WK, receiver) -> None:
    connector = workable_connector(wk.url)
    assert connector.webhook_setup == WebhookSetup.API
    assert connector.webhook_events == ("candidate_created", "candidate_moved")

    first = connector.subscribe_webhooks(url=f"{receiver.url}/in/1/tok", secret="ours")
    again = connector.subscribe_webhooks(url=f"{receiver.url}/in/1/tok", secret="ours")
    listed = wk.get("/subscriptions").json()["subscriptions"]

    assert first == again
    assert len(first.remote_ids) == 2
    assert first.secret is None
    assert first.details == {"signed_with": "token"}
    assert sorted((s["event"], s["target"]) for s in listed) == [
        ("candidate_created", f"{receiver.url}/in/1/tok?event=candidate_created"),
        ("candidate_moved", f"{receiver.url}/in/1/tok?event=candidate_moved"),
    ]
    duplicate = wk.post("/subscriptions", json={"target": listed[0]["target"], "event": "candidate_moved"})
    assert duplicate.status_code == 409  # a duplicate target (A7)
    assert wk.post("/subscriptions", json={"target": "https://x.example", "event": "candidate_moved",
                                           "args": {"account_id": SUBDOMAIN}}).status_code == 422  # fmt: skip

    connector.unsubscribe_webhooks(first)
    connector.unsubscribe_webhooks(first)  # gone already: not an error
    assert wk.get("/subscriptions").json() == {"subscriptions": []}


def test_created_and_hired_arrive_signed_and_the_targeted_read_shows_hired(wk: WK, receiver) -> None:
    connector = workable_connector(wk.url)
    connector.subscribe_webhooks(url=f"{receiver.url}/in/1/tok", secret="ours")
    candidate_id = _create(wk, "ada.hooks@example.com")
    moved = wk.post(f"/candidates/{candidate_id}/move", json={"member_id": MEMBER, "target_stage": "hired"})
    assert moved.status_code == 200, moved.text
    assert _flush(wk.app) == {"pending": 0, "delivered": 2, "failed": 0, "dropped": 0}
    # a disqualification sends nothing (no such event is documented): it reaches Tributary by polling
    disqualified = wk.post(f"/candidates/{candidate_id}/disqualify", json={"member_id": MEMBER})
    assert disqualified.status_code == 200, disqualified.text
    assert _flush(wk.app)["delivered"] == 2

    created, hired = sorted(receiver.received, key=lambda r: r.path)
    assert created.path.endswith("event=candidate_created")
    assert hired.path.endswith("event=candidate_moved")
    assert (
        hired.headers["x-workable-signature"]
        == hmac.new(DEFAULT_TOKEN.encode(), hired.body, hashlib.sha256).hexdigest()
    )
    assert json.loads(hired.body)["data"]["stage"] == "Hired"
    assert hired.event.targets == (
        WebhookTarget(ReadModel.APPLICATIONS, candidate_id),
        WebhookTarget(ReadModel.CANDIDATES, candidate_id),
    )
    assert hired.event.event_id == "sha256:" + hashlib.sha256(hired.body).hexdigest()
    [application] = hired.records[f"{ReadModel.APPLICATIONS}:{candidate_id}"]
    assert application.outcome == "HIRED"
    [at_creation] = created.records[f"{ReadModel.CANDIDATES}:{candidate_id}"]
    assert at_creation.remote_id == candidate_id


def test_oauth_subscriptions_are_signed_with_the_app_secret(wk: WK) -> None:
    token = wk.app.provider.issue_token(DEFAULT_CLIENT_ID, frozenset({"r_candidates", "r_jobs"}), subject=MEMBER)
    connector = _oauth_connector(wk.url, token["access_token"])
    with LoopbackReceiver(lambda: _oauth_connector(wk.url, token["access_token"]), "unused") as receiver:
        subscription = connector.subscribe_webhooks(url=f"{receiver.url}/in/2/tok", secret="ours")
        candidate_id = _create(wk, "grace.hooks@example.com")
        _flush(wk.app)
        [delivery] = receiver.received

    assert subscription.details == {"signed_with": "OAuth client secret"}
    assert delivery.status == 200
    expected = hmac.new(DEFAULT_CLIENT_SECRET.encode(), delivery.body, hashlib.sha256).hexdigest()
    assert delivery.headers["x-workable-signature"] == expected
    [candidate] = delivery.records[f"{ReadModel.CANDIDATES}:{candidate_id}"]
    assert candidate.remote_id == candidate_id
    # the account token's connection does not accept it: the key differs
    with pytest.raises(WebhookRejected, match="mismatch"):
        workable_connector(wk.url).parse_webhook(
            InboundWebhook(delivery.headers, delivery.body, datetime.now(UTC)), secret="unused"
        )


def test_forged_unsigned_tampered_and_replayed_deliveries_change_nothing(wk: WK, receiver) -> None:
    workable_connector(wk.url).subscribe_webhooks(url=f"{receiver.url}/in/1/tok", secret="ours")
    candidate_id = _create(wk, "ada.forged@example.com")
    _flush(wk.app)
    [genuine] = receiver.received
    connector = workable_connector(wk.url)
    signature = genuine.headers["x-workable-signature"]

    def parse(body: bytes, **headers: str):  # noqa: ANN202
        return connector.parse_webhook(InboundWebhook(headers, body, datetime.now(UTC)), secret="unused")

    with pytest.raises(WebhookRejected, match="missing"):
        parse(genuine.body)
    with pytest.raises(WebhookRejected, match="mismatch"):
        parse(genuine.body, **{"x-workable-signature": hmac.new(b"guess", genuine.body, hashlib.sha256).hexdigest()})
    with pytest.raises(WebhookRejected, match="mismatch"):
        parse(genuine.body.replace(candidate_id.encode(), b"000000", 1), **{"x-workable-signature": signature})
    assert parse(genuine.body, **{"x-workable-signature": signature}).event_id == genuine.event.event_id

    forged = requests.post(f"{receiver.url}/in/1/tok", data=genuine.body, timeout=5)
    replay = requests.post(
        f"{receiver.url}/in/1/tok", data=genuine.body, headers={"X-Workable-Signature": signature}, timeout=5
    )
    assert (forged.status_code, replay.status_code) == (401, 200)
    assert receiver.received[-2].rejected == "missing X-Workable-Signature header"
    assert receiver.received[-1].duplicate is True
    assert receiver.received[-1].records == {}


def test_a_failed_delivery_is_replayed(wk: WK, receiver) -> None:
    workable_connector(wk.url).subscribe_webhooks(url=f"{receiver.url}/in/1/tok", secret="ours")
    wk.control("POST", "/webhooks", json={"retry_time_scale": 0.0001})
    receiver.fail_first.add("/in/1/tok?event=candidate_created")
    _create(wk, "ada.retry@example.com")

    assert _flush(wk.app)["delivered"] == 1
    first, second = receiver.received
    assert (first.status, second.status) == (500, 200)
    assert first.body == second.body  # the same request replayed: the same derived event id
    assert wk.control("GET", "/webhooks").json()["retry_delays"] == [60.0, 300.0, 1800.0, 7200.0]
