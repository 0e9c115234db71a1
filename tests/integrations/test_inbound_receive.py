"""Receiving inbound ATS webhooks over real HTTP (the live server): the token, the vendor's verification, the
handshake, replays, and what is queued. SmartRecruiters' signature (its documented example as a test vector)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests
from django_q.models import OrmQ

from apps.connectors.catalog import AuthKind
from apps.connectors.smartrecruiters.webhooks import signature
from apps.integrations.inbound_services import inbound_endpoint_ensure, inbound_set_vendor_secret, inbound_url
from apps.integrations.models import (
    Environment,
    InboundDelivery,
    InboundPendingTarget,
    InboundWebhookEndpoint,
    Integration,
)
from apps.integrations.services import integration_create

KEY = "HeBVky2bccvvkcXPimH8c"
BODY = b'{"job_id":"jid","candidate_id": "cid"}'


def test_signature_matches_smartrecruiters_documented_example() -> None:
    # SR-DOC subscriptionsgeneratesecretkey: this key, these headers and body sign to this value.
    assert signature(
        KEY, timestamp="1574080897", body=b'{"job_id":"jid","candidate_id":"cid"}', event_id="123",
        event_name="application.created", version="v201910", link="<http://smartrecruiters.com/endpoint>; rel=self",
    ) == "2e9291f10d44ca10204a4cd81b05d73b6a316b2b605d4e2e0e0b37b40198ce1f"  # fmt: skip


@pytest.fixture
def endpoint(transactional_db: None, environment: Environment) -> InboundWebhookEndpoint:
    integration = integration_create(
        environment=environment, tool="smartrecruiters", end_user_organization_name="Acme Corp",
        auth_kind=AuthKind.API_KEY, credentials={"api_key": "DCRA1-x"}, base_url="http://127.0.0.1:9",
        setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip
    endpoint = inbound_endpoint_ensure(integration=integration)
    inbound_set_vendor_secret(endpoint=endpoint, secret=KEY)
    return endpoint


def signed(event_id: str, *, at: float | None = None, key: str = KEY, body: bytes = BODY) -> dict[str, str]:
    timestamp = str(int(at if at is not None else time.time()))
    headers = {
        "event-name": "application.status.updated", "event-version": "v201910", "event-id": event_id,
        "link": "", "smartrecruiters-timestamp": timestamp, "Content-Type": "application/json",
    }  # fmt: skip
    headers["smartrecruiters-signature"] = "v1=" + signature(
        key, timestamp=timestamp, body=body, event_id=event_id, event_name=headers["event-name"],
        version="v201910", link="",
    )  # fmt: skip
    return headers


def post(url: str, headers: dict[str, str], body: bytes = BODY) -> requests.Response:
    return requests.post(url, data=body, headers=headers, timeout=10)


def counts(endpoint: InboundWebhookEndpoint) -> dict[str, Any]:
    deliveries = InboundDelivery.objects.filter(integration_id=endpoint.integration_id)
    return {
        "accepted": deliveries.filter(outcome="ACCEPTED").count(),
        "rejected": deliveries.filter(outcome="REJECTED").count(),
        "duplicate": deliveries.filter(outcome="DUPLICATE").count(),
        "handshake": deliveries.filter(outcome="HANDSHAKE").count(),
        "pending": sorted(
            InboundPendingTarget.objects.filter(integration_id=endpoint.integration_id).values_list(
                "model", "remote_id"
            )
        ),
        "tasks": OrmQ.objects.count(),
    }


def test_a_signed_delivery_is_acknowledged_with_202_and_queues_its_records_once(
    live_server: Any, endpoint: InboundWebhookEndpoint
) -> None:
    url = inbound_url(endpoint, base_url=live_server.url)
    first = post(url, signed("evt-1"))
    assert (first.status_code, first.content) == (202, b"")
    assert counts(endpoint) == {
        "accepted": 1, "rejected": 0, "duplicate": 0, "handshake": 0,
        "pending": [("ats_applications#detail", "cid:jid")], "tasks": 1,
    }  # fmt: skip
    delivery = InboundDelivery.objects.get(integration_id=endpoint.integration_id)
    assert (delivery.event_id, delivery.event_type) == ("evt-1", "application.status.updated")

    # a replay of the same event (same id, even freshly signed) is recorded as a duplicate and changes nothing else
    replay = post(url, signed("evt-1"))
    assert replay.status_code == 202
    assert counts(endpoint) == {
        "accepted": 1, "rejected": 0, "duplicate": 1, "handshake": 0,
        "pending": [("ats_applications#detail", "cid:jid")], "tasks": 1,
    }  # fmt: skip


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda url, ok: (url + "x", ok), id="wrong-token"),
        pytest.param(lambda url, ok: (url, {**ok, "smartrecruiters-signature": "v1=" + "0" * 64}), id="bad-signature"),
        pytest.param(
            lambda url, ok: (url, {k: v for k, v in ok.items() if k != "smartrecruiters-signature"}), id="unsigned"
        ),
        pytest.param(lambda url, ok: (url, signed("evt-9", at=time.time() - 3600)), id="stale"),
        pytest.param(lambda url, ok: (url, signed("evt-9", key="another-key")), id="other-key"),
    ],
)
def test_forged_deliveries_answer_401_and_process_nothing(
    live_server: Any, endpoint: InboundWebhookEndpoint, forge: Any
) -> None:
    url, headers = forge(inbound_url(endpoint, base_url=live_server.url), signed("evt-9"))
    answer = post(url, headers)
    assert (answer.status_code, answer.content) == (401, b"unauthorized")
    assert counts(endpoint) == {
        "accepted": 0, "rejected": 1, "duplicate": 0, "handshake": 0, "pending": [], "tasks": 0
    }  # fmt: skip


def test_unknown_integration_answers_401(live_server: Any, endpoint: InboundWebhookEndpoint) -> None:
    answer = post(f"{live_server.url}/webhooks/inbound/nope/{endpoint.token}", signed("evt-2"))
    assert answer.status_code == 401
    assert InboundDelivery.objects.count() == 0


def test_the_activation_handshake_echoes_x_hook_secret(live_server: Any, endpoint: InboundWebhookEndpoint) -> None:
    answer = post(inbound_url(endpoint, base_url=live_server.url), {"X-Hook-Secret": "h0ok"}, body=b"")
    assert (answer.status_code, answer.headers.get("X-Hook-Secret")) == (200, "h0ok")
    assert counts(endpoint) == {
        "accepted": 0, "rejected": 0, "duplicate": 0, "handshake": 1, "pending": [], "tasks": 0
    }  # fmt: skip


def test_only_post_is_answered(live_server: Any, endpoint: InboundWebhookEndpoint) -> None:
    answer = requests.get(inbound_url(endpoint, base_url=live_server.url), timeout=10)
    assert answer.status_code == 405
    assert json.loads(json.dumps(counts(endpoint)))["accepted"] == 0
