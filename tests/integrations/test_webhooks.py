"""Outgoing webhooks: every event type parsed by the SDK, signatures, the outbox, retries, faults, endpoint health."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.dispatch import receiver as signal_receiver
from kombo import Kombo

from apps.core.api.errors import ApiError
from apps.core.timeutils import format_datetime, utcnow
from apps.integrations.connect_services import connect_flow_record_failure, connect_link_create
from apps.integrations.models import (
    ConnectionFlowFailure,
    Environment,
    Integration,
    IntegrationIssue,
    IssueTransition,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from apps.integrations.services import integration_delete
from apps.integrations.webhook_delivery import endpoint_disabled, webhook_deliver
from apps.integrations.webhook_payloads import IssueChange
from apps.integrations.webhook_services import (
    announce_data_changed,
    announce_integration_created,
    announce_issue_status_changed,
    announce_state_if_changed,
    webhook_delivery_send_again,
    webhook_endpoint_create,
    webhook_endpoint_enable,
    webhook_endpoint_ping,
    webhook_endpoint_remove,
    webhook_endpoint_replay,
    webhook_endpoint_rotate_secret,
    webhook_event_emit,
)
from apps.integrations.webhook_signing import kombo_signature
from tests.applications.writing import candidate, required_answers, stored_job
from tests.factories.integrations import IntegrationFactory
from tests.integrations.processes import wait_for
from tests.integrations.webhook_receiver import Receiver, kombo_signature_valid
from tests.integrations.webhooks_support import deliver_all, pending

ISSUE = IssueChange(
    change="raised",
    issue_id="4hQzW1oxLwPcbRnEwGbeXBnY",
    type="integration.authentication_failed",
    title="The ATS rejects the credentials",
    status="OPEN",
    markdown_message="Reconnect the integration: the API key was **revoked**.",
    first_observed_at=datetime(2026, 11, 30, 8, 15, 0, 123000, tzinfo=UTC),
)


def _ping(environment: Environment, n: int = 0) -> WebhookEvent:
    return webhook_event_emit(environment_id=environment.id, type="ping", data={"n": n})


@pytest.mark.django_db
def test_every_event_type_is_delivered_signed_and_parsed_by_the_sdk(
    environment: Environment,
    integration: Integration,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    run_sync: Any,
    store: Any,
) -> None:
    # given one of each of the seven events of the contract, caused the way Tributary causes them
    run = run_sync(integration)  # data-changed + sync-finished
    announce_integration_created(integration=integration)
    integration.state = Integration.State.INVALID
    integration.save()  # integration-state-changed
    doomed = IntegrationFactory(environment=environment, end_user_organization_name="Initech")
    doomed_id = doomed.id
    integration_delete(integration=doomed)
    issued = connect_link_create(
        environment=environment, end_user_email="hr@globex.example.com", end_user_organization_name="Globex",
        base_url="http://testserver", integration_tool="sandbox",
    )  # fmt: skip
    connect_flow_record_failure(link=issued.link, step=ConnectionFlowFailure.Step.CREDENTIALS, reason="Bad key.")
    announce_issue_status_changed(environment=environment, change=ISSUE, integration=integration)

    # when the workers deliver
    deliver_all()

    # then every delivery verifies (Standard Webhooks and X-Kombo-Signature) and parses with the SDK's model
    types = sorted(item.type for item in receiver.received)
    assert types == sorted(
        [
            "connection-flow-failed", "data-changed", "integration-created", "integration-deleted",
            "integration-state-changed", "issue-status-changed", "sync-finished",
        ]
    )  # fmt: skip
    assert all(item.standard_ok and item.kombo_ok and item.parsed is not None for item in receiver.received)
    assert receiver.ids() == [item.parsed.id for item in receiver.received]
    assert {item.event_id for item in receiver.received} == set(WebhookEvent.objects.values_list("id", flat=True))
    finished = receiver.of_type("sync-finished")[0].body["data"]
    assert finished == {
        "sync_id": run.id, "sync_state": "SUCCEEDED", "sync_started_at": format_datetime(run.started_at),
        "sync_ended_at": format_datetime(run.finished_at),
        "sync_duration_seconds": int((run.finished_at - run.started_at).total_seconds()),
        "integration_id": integration.id, "integration_tool": "sandbox", "integration_category": "ATS",
        "end_user": {"organization_name": integration.end_user_organization_name,
                     "creator_email": integration.end_user_email, "origin_id": integration.end_user_origin_id},
        "log_url": f"/admin/integrations/syncrun/{run.id}/change/",
    }  # fmt: skip
    state = receiver.of_type("integration-state-changed")[0].parsed.data
    assert (state.state, state.setup_status, state.qa_status) == ("INVALID", "COMPLETED", "PASSED")
    deleted = receiver.of_type("integration-deleted")[0].parsed.data
    assert (deleted.id, deleted.end_user.organization_name) == (doomed_id, "Initech")
    failed = receiver.of_type("connection-flow-failed")[0].parsed.data
    assert (failed.integration_tool, failed.end_user.organization_name, failed.end_user.creator_email) == (
        "sandbox", "Globex", "hr@globex.example.com",
    )  # fmt: skip
    assert receiver.of_type("issue-status-changed")[0].body["data"] == {
        "change": "raised",
        "issue": {
            "id": "4hQzW1oxLwPcbRnEwGbeXBnY", "type": "integration.authentication_failed",
            "title": "The ATS rejects the credentials", "status": "OPEN",
            "markdown_message": "Reconnect the integration: the API key was **revoked**.",
            "first_observed_at": "2026-11-30T08:15:00.123Z", "resolved_at": None,
        },
        "integration": {"id": integration.id, "tool": "sandbox", "category": "ATS", "end_user": {
            "organization_name": integration.end_user_organization_name,
            "creator_email": integration.end_user_email, "origin_id": integration.end_user_origin_id}},
    }  # fmt: skip
    assert pending() == 0
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"SUCCEEDED"}


@pytest.mark.django_db
def test_an_issue_of_the_environment_names_no_integration(
    environment: Environment, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    resolved = IssueChange(
        change="resolved", issue_id="5xY", type="environment.webhook_endpoint_disabled", title="Endpoint disabled",
        status="RESOLVED", markdown_message="Re-enabled.", first_observed_at=ISSUE.first_observed_at,
        resolved_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    )  # fmt: skip
    announce_issue_status_changed(environment=environment, change=resolved)
    deliver_all()

    (item,) = receiver.received
    assert item.parsed.data.integration is None
    assert (item.parsed.data.change, item.body["data"]["issue"]["resolved_at"]) == (
        "resolved",
        "2026-12-01T09:00:00.000Z",
    )


@pytest.mark.django_db
def test_state_changes_are_announced_once_and_other_saves_not_at_all(
    environment: Environment, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    integration = IntegrationFactory(environment=environment)  # created: remembered, not announced
    integration.last_error = "something"
    integration.save()
    integration.setup_status = Integration.SetupStatus.COMPLETED  # unchanged value
    integration.save(update_fields=["setup_status", "updated_at"])
    # a queryset update (as the sync does on rejected credentials) is announced by the explicit call
    Integration.objects.filter(id=integration.id).update(state=Integration.State.INVALID)
    announce_state_if_changed(integration_id=integration.id)
    announce_state_if_changed(integration_id=integration.id)
    integration.refresh_from_db()
    integration.state = Integration.State.ACTIVE
    integration.save()
    deliver_all()

    assert [item.parsed.data.state for item in receiver.of_type("integration-state-changed")] == ["INVALID", "ACTIVE"]
    assert len(receiver.received) == 2


@pytest.mark.django_db
def test_a_rolled_back_change_announces_nothing(
    environment: Environment, integration: Integration, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            announce_data_changed(integration=integration, changed_models=["ats_applications"])
            integration.state = Integration.State.INVALID
            integration.save()
            raise RuntimeError("the change fails after announcing")

    with pytest.raises(RuntimeError):
        change_that_fails()
    kept = announce_data_changed(integration=integration, changed_models=["ats_jobs", "ats_jobs", "ats_candidates"])
    deliver_all()

    assert receiver.ids() == [kept.id]
    assert receiver.received[0].body["data"]["changed_models"] == [{"name": "ats_candidates"}, {"name": "ats_jobs"}]
    assert WebhookEvent.objects.count() == 1
    assert announce_data_changed(integration=integration, changed_models=[]) is None


@pytest.mark.django_db
def test_faults_are_retried_until_every_event_arrives_with_its_id(
    environment: Environment, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    # given a receiver that answers each event's first attempts with one kind of fault
    faults: dict[int, list[tuple[Any, ...]]] = {
        0: [("status", 500)],
        1: [("status", 429, {"Retry-After": "7"})],
        2: [("sleep", 1.5)],  # longer than the 1 s timeout of the tests
        3: [("drop",), ("drop",), ("drop",)],  # the connection drops for a while
        4: [("status", 503), ("status", 408)],
        5: [],
    }
    seen: dict[str, int] = {}

    def behave(number: int, body: dict[str, Any]) -> tuple[Any, ...]:
        index = body["data"]["n"]
        attempt = seen.get(body["id"], 0)
        seen[body["id"]] = attempt + 1
        planned = faults[index]
        return planned[attempt] if attempt < len(planned) else ("ok",)

    receiver.behave = behave
    events = [_ping(environment, n) for n in faults]

    # when the workers deliver, with time passing (an hour per round, a test clock: nothing waits)
    now = utcnow()
    for _ in range(10):
        deliver_all(now)
        if not pending():
            break
        now += timedelta(hours=1)

    # then every event arrived with its own stable id; the timed-out one twice (the receiver did get the first)
    wait_for(lambda: len(receiver.ids()) == 7, timeout=10, what="the timed-out request to finish")
    assert sorted(receiver.ids()) == sorted([event.id for event in events] + [events[2].id])
    assert pending() == 0
    outcomes = {
        n: [
            (a.outcome, a.status_code, a.error)
            for a in WebhookAttempt.objects.filter(delivery__event_id=event.id).order_by("number")
        ]
        for n, event in enumerate(events)
    }
    assert outcomes[0] == [("RETRYING", 500, "HTTP 500"), ("SUCCEEDED", 200, "")]
    assert outcomes[1] == [("RETRYING", 429, "HTTP 429"), ("SUCCEEDED", 200, "")]
    assert outcomes[2] == [("RETRYING", None, "timed out after 1s"), ("SUCCEEDED", 200, "")]
    assert [o[:2] for o in outcomes[3]] == [("RETRYING", None)] * 3 + [("SUCCEEDED", 200)]
    assert outcomes[3][0][2] == "connection failed (ConnectionError)"
    assert outcomes[4] == [("RETRYING", 503, "HTTP 503"), ("RETRYING", 408, "HTTP 408"), ("SUCCEEDED", 200, "")]
    assert outcomes[5] == [("SUCCEEDED", 200, "")]
    # Retry-After is honoured exactly; other waits follow the backoff (base 10 s, doubling, jitter in [½, 1])
    limited = WebhookAttempt.objects.get(delivery__event_id=events[1].id, number=1)
    assert limited.next_retry_at == limited.started_at + timedelta(milliseconds=limited.duration_ms, seconds=7)
    first, second = WebhookAttempt.objects.filter(delivery__event_id=events[4].id).order_by("number")[:2]
    assert 5 <= (first.next_retry_at - first.started_at).total_seconds() <= 10 + first.duration_ms / 1000
    assert 10 <= (second.next_retry_at - second.started_at).total_seconds() <= 20 + second.duration_ms / 1000
    assert limited.response_body == '{"error": "not now"}'


@pytest.mark.django_db
def test_other_4xx_redirects_and_refused_addresses_are_final(
    environment: Environment, endpoint: WebhookEndpoint, receiver: Receiver, webhook_settings: Any
) -> None:
    answers = {0: ("status", 410), 1: ("status", 302, {"Location": "http://127.0.0.1:1/elsewhere"})}
    receiver.behave = lambda number, body: answers[body["data"]["n"]]
    gone, moved = _ping(environment, 0), _ping(environment, 1)
    deliver_all()
    webhook_settings.WEBHOOK_ALLOWED_NETWORKS = []
    refused = _ping(environment, 2)
    deliver_all()

    rows = {
        delivery.event_id: (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error)
        for delivery in WebhookDelivery.objects.all()
    }
    assert rows[gone.id] == ("FAILED", 1, 410, "HTTP 410")
    assert rows[moved.id] == ("FAILED", 1, 302, "refused: redirects are not followed (http://127.0.0.1:1/elsewhere)")
    assert rows[refused.id][:3] == ("FAILED", 1, None)
    assert rows[refused.id][3].startswith("refused: The host '127.0.0.1' resolves to a non-public address")
    assert receiver.requests == 2  # the redirect was not followed, the refused address never reached


@pytest.mark.django_db
def test_only_the_first_2_kb_of_an_answer_are_kept(
    environment: Environment, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    receiver.behave = lambda number, body: ("status", 500, {}, b"x" * 5000)
    _ping(environment)
    deliver_all()

    attempt = WebhookAttempt.objects.get()
    assert (attempt.status_code, attempt.response_body) == (500, "x" * 2048)


@pytest.mark.django_db
def test_an_endpoint_failing_for_24_hours_is_disabled_and_re_enabled_by_staff(
    environment: Environment, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    disabled: list[tuple[str, str]] = []

    @signal_receiver(endpoint_disabled, weak=False)
    def record(sender: object, endpoint: WebhookEndpoint, reason: str, **kwargs: object) -> None:
        disabled.append((endpoint.id, reason))

    try:
        receiver.behave = lambda number, body: ("status", 503)
        start = utcnow()
        now = start
        # an event every 2 hours, each retried, every attempt failing
        while now < start + timedelta(hours=30) and not disabled:
            webhook_event_emit(environment_id=environment.id, type="ping", data={"n": 0}, now=now)
            for step in range(8):
                deliver_all(now + timedelta(minutes=15 * step))
            now += timedelta(hours=2)
    finally:
        endpoint_disabled.disconnect(record)

    endpoint.refresh_from_db()
    assert endpoint.active is False
    assert endpoint.disabled_at is not None
    assert endpoint.failing_since is not None
    assert endpoint.disabled_at - endpoint.failing_since >= timedelta(hours=24)
    assert endpoint.disabled_at - endpoint.failing_since < timedelta(hours=26)
    assert endpoint.disabled_reason.startswith("Every delivery failed for 2")
    assert disabled == [(endpoint.id, endpoint.disabled_reason)]
    # nothing is sent while it is disabled, and nothing new is queued for it
    requests_before = receiver.requests
    _ping(environment)
    deliver_all(endpoint.disabled_at + timedelta(hours=1))
    assert receiver.requests == requests_before
    waiting = WebhookDelivery.objects.filter(endpoint=endpoint, status="PENDING").count()
    assert waiting > 0

    # the environment has an issue (no integration) naming the endpoint, raised once, also in the API
    issue = IntegrationIssue.objects.get(environment=environment)
    assert (issue.integration, issue.subject, issue.type, issue.status, issue.title) == (
        None, endpoint.id, "environment.webhook_endpoint_disabled", "OPEN", "A webhook endpoint was disabled",
    )  # fmt: skip
    assert issue.first_observed_at == endpoint.disabled_at
    assert issue.markdown_message.startswith(
        f"Tributary disabled the webhook endpoint {endpoint.url} (id {endpoint.id}): {endpoint.disabled_reason} "
    )
    raised = json.loads(WebhookEvent.objects.get(type="issue-status-changed").body)["data"]
    assert (raised["issue"]["status"], raised["issue"]["id"], raised["integration"]) == ("OPEN", issue.id, None)

    # when staff re-enable it and the receiver is back, the waiting deliveries go out, and the issue resolves
    receiver.behave = lambda number, body: ("ok",)
    assert webhook_endpoint_enable(endpoint=endpoint) == waiting
    deliver_all()
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.disabled_at, endpoint.disabled_reason, endpoint.failing_since) == (
        True, None, "", None,
    )  # fmt: skip
    assert len(receiver.received) == waiting + 1  # and the issue's resolution
    # once each way (sorted: the raise is stamped with the simulated clock, the re-enabling with the real one)
    assert sorted(t.change for t in IssueTransition.objects.filter(issue=issue)) == ["raised", "resolved"]
    issue.refresh_from_db()
    assert (issue.status, issue.resolved_at is not None) == ("RESOLVED", True)
    announced = [item.body["data"]["issue"]["status"] for item in receiver.received if item.parsed is not None]
    assert announced == ["RESOLVED"]  # the raise came when it was disabled: not queued for it

    assert pending() == 0


@pytest.mark.django_db
def test_retries_stop_after_the_window(environment: Environment, endpoint: WebhookEndpoint, receiver: Receiver) -> None:
    receiver.behave = lambda number, body: ("status", 500)
    event = _ping(environment)
    now = utcnow()
    for _ in range(40):
        deliver_all(now)
        now += timedelta(hours=1)

    delivery = WebhookDelivery.objects.get(event=event)
    assert delivery.status == "FAILED"
    assert delivery.last_error == "HTTP 500; gave up: retries stop after the retry window"
    *earlier, last = WebhookAttempt.objects.filter(delivery=delivery).order_by("number")
    assert (last.outcome, last.next_retry_at) == ("FAILED", None)
    assert {attempt.outcome for attempt in earlier} == {"RETRYING"}
    # every retry was planned within the window; the one after the last would have fallen outside it
    assert earlier[-1].next_retry_at - delivery.window_started_at <= timedelta(hours=24)
    # exponential from 10 s, capped at an hour: 24 h of it is about 30 attempts
    assert 20 <= delivery.attempts <= 40


@pytest.mark.django_db
def test_a_rotated_secret_overlaps_then_only_the_new_one_signs(
    environment: Environment, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    old_secret = receiver.secret
    new_secret = webhook_endpoint_rotate_secret(endpoint=endpoint, overlap=timedelta(hours=1))
    assert new_secret != old_secret
    assert new_secret.startswith("whsec_")
    _ping(environment)
    deliver_all()  # verified by the receiver with the old secret
    receiver.secret = new_secret
    _ping(environment, 1)
    deliver_all()  # and with the new one
    during = [item.headers for item in receiver.received]

    later = utcnow() + timedelta(hours=2)
    webhook_event_emit(environment_id=environment.id, type="ping", data={"n": 2}, now=later)
    deliver_all(later)

    assert [(item.standard_ok, item.kombo_ok) for item in receiver.received] == [(True, True)] * 3
    assert all(len(headers["x-kombo-signature"].split(",")) == 2 for headers in during)
    assert all(len(headers["webhook-signature"].split(" ")) == 2 for headers in during)
    after = receiver.received[2]
    raw = after.headers  # one signature each after the overlap
    assert len(raw["x-kombo-signature"].split(",")) == 1
    assert len(raw["webhook-signature"].split(" ")) == 1


@pytest.mark.django_db
def test_the_kombo_signature_is_base64url_hmac_sha256_of_the_raw_body() -> None:
    # echo -n '{"id":"x"}' | openssl dgst -sha256 -hmac whsec_test -binary | basenc --base64url | tr -d =
    assert kombo_signature("whsec_test", b'{"id":"x"}') == "7-Cd7i8Ki4Q3hcU0rndayqTkFD-KleskRvUJwGKvkFU"
    assert kombo_signature_valid("whsec_test", b'{"id":"x"}', "7-Cd7i8Ki4Q3hcU0rndayqTkFD-KleskRvUJwGKvkFU")
    assert not kombo_signature_valid("whsec_test", b'{"id":"y"}', "7-Cd7i8Ki4Q3hcU0rndayqTkFD-KleskRvUJwGKvkFU")


@pytest.mark.django_db
def test_send_again_replay_since_and_ping(
    environment: Environment, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    first = _ping(environment, 0)
    deliver_all()
    delivery = WebhookDelivery.objects.get(event=first)
    webhook_delivery_send_again(delivery=delivery)
    deliver_all()
    assert receiver.ids() == [first.id, first.id]  # the same id again

    # a second endpoint added later gets the events since T replayed (subscribed types only)
    since = utcnow()
    integration = IntegrationFactory(environment=environment)
    changed = announce_data_changed(integration=integration, changed_models=["ats_jobs"])
    announce_integration_created(integration=integration)
    late, late_secret = webhook_endpoint_create(environment=environment, url=receiver.url, event_types=["data-changed"])
    deliver_all()
    receiver.received.clear()
    receiver.secret = late_secret
    assert webhook_endpoint_replay(endpoint=late, since=since) == 1
    deliver_all()
    assert receiver.ids() == [changed.id]

    # a test ping goes to that endpoint only, signed
    ping = webhook_endpoint_ping(endpoint=late)
    deliver_all()
    assert receiver.ids() == [changed.id, ping.id]
    assert receiver.received[-1].body["data"]["endpoint_id"] == late.id
    assert (receiver.received[-1].standard_ok, receiver.received[-1].kombo_ok) == (True, True)


@pytest.mark.django_db
def test_endpoint_urls_and_event_types_are_checked(environment: Environment, webhook_settings: Any) -> None:
    with pytest.raises(ApiError) as scheme:
        webhook_endpoint_create(environment=environment, url="ftp://127.0.0.1/hooks")
    with pytest.raises(ApiError) as types:
        webhook_endpoint_create(environment=environment, url="http://127.0.0.1:9/hooks", event_types=["data-change"])
    webhook_settings.WEBHOOK_ALLOWED_NETWORKS = []
    with pytest.raises(ApiError) as private:
        webhook_endpoint_create(environment=environment, url="http://127.0.0.1:9/hooks")

    assert scheme.value.message == "url: only http and https URLs can receive webhooks."
    assert types.value.message.startswith("events: unknown event type 'data-change' (known: data-changed, ")
    assert private.value.message == (
        "url: 127.0.0.1 resolves to a non-public address (127.0.0.1); WEBHOOK_ALLOWED_NETWORKS can allow it."
    )
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_secrets_are_stored_encrypted_and_unsubscribed_types_are_not_sent(
    environment: Environment, integration: Integration, webhook_settings: Any
) -> None:
    endpoint, secret = webhook_endpoint_create(
        environment=environment, url="http://127.0.0.1:9/hooks", event_types=["sync-finished", "data-changed"]
    )
    assert endpoint.event_types == ["data-changed", "sync-finished"]
    assert secret not in endpoint.secret_encrypted
    announce_integration_created(integration=integration)
    announce_data_changed(integration=integration, changed_models=["ats_jobs"])
    assert list(WebhookDelivery.objects.values_list("event__type", flat=True)) == ["data-changed"]
    webhook_endpoint_remove(endpoint=endpoint)
    assert not WebhookDelivery.objects.exists()
    assert WebhookEvent.objects.count() == 2  # events stay (replayable to other endpoints)


@pytest.mark.django_db
def test_a_delivery_held_by_a_worker_is_not_sent_twice_until_its_lease_passes(
    environment: Environment, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    event = _ping(environment)
    delivery = WebhookDelivery.objects.get(event=event)
    now = utcnow()
    WebhookDelivery.objects.filter(id=delivery.id).update(lease_until=now + timedelta(seconds=60))
    assert webhook_deliver(delivery.id, now=now) == "NOT_CLAIMED"
    assert webhook_deliver(delivery.id, now=now + timedelta(seconds=61)) == "SUCCEEDED"
    assert webhook_deliver(delivery.id, now=now + timedelta(seconds=62)) == "NOT_CLAIMED"
    assert receiver.ids() == [event.id]


def test_writes_that_store_records_announce_data_changed(
    kombo: Kombo, integration: Integration, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    job = stored_job(integration)
    kombo.ats.create_application(job_id=job.id, candidate=candidate(), screening_question_answers=required_answers(job))
    deliver_all()

    (item,) = receiver.of_type("data-changed")
    assert [model.name for model in item.parsed.data.changed_models] == ["ats_applications", "ats_candidates"]
    assert item.parsed.data.integration_id == integration.id


@pytest.mark.django_db
def test_the_connection_flow_announces_the_new_integration_and_its_failures(
    client: Any, environment: Environment, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    issued = connect_link_create(
        environment=environment, end_user_email="hr@globex.example.com", end_user_organization_name="Globex",
        base_url="http://testserver", integration_tool="sandbox", end_user_origin_id="globex-7",
    )  # fmt: skip
    link = issued.url.removeprefix("http://testserver")
    client.post(f"{link}connect", {"mode": "NONE"})
    client.post(f"{link}source", {"action": "create"})
    assert client.post(f"{link}finish").status_code == 200
    integration = Integration.objects.get(connect_links__isnull=False)
    expired = connect_link_create(
        environment=environment, end_user_email="it@initech.example.com", end_user_organization_name="Initech",
        base_url="http://testserver",
    )  # fmt: skip
    expired.link.expires_at = utcnow() - timedelta(minutes=1)
    expired.link.save()
    assert client.get(expired.url.removeprefix("http://testserver")).status_code == 410
    deliver_all()

    assert [item.type for item in receiver.received] == [
        "integration-state-changed", "integration-created", "connection-flow-failed",
    ]  # fmt: skip
    state, created, failed = (item.parsed.data for item in receiver.received)
    assert (state.integration_id, state.setup_status, state.state) == (integration.id, "COMPLETED", "ACTIVE")
    assert (created.id, created.tool, created.category) == (integration.id, "sandbox", "ATS")
    assert (created.end_user.organization_name, created.end_user.origin_id) == ("Globex", "globex-7")
    assert (failed.integration_tool, failed.end_user.organization_name) == ("", "Initech")
    assert failed.log_url.startswith("/admin/integrations/connectionflowfailure/")


@pytest.mark.django_db
def test_housekeeping_purges_old_events_but_keeps_pending_ones(
    environment: Environment, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    from apps.integrations.webhook_services import webhook_events_purge

    old = utcnow() - timedelta(days=31)
    delivered = webhook_event_emit(environment_id=environment.id, type="ping", data={"n": 0}, now=old)
    deliver_all()
    receiver.behave = lambda number, body: ("status", 503)
    waiting = webhook_event_emit(environment_id=environment.id, type="ping", data={"n": 1}, now=old)
    recent = _ping(environment, 2)

    assert webhook_events_purge() == 1
    assert set(WebhookEvent.objects.values_list("id", flat=True)) == {waiting.id, recent.id}
    assert not WebhookEvent.objects.filter(id=delivered.id).exists()


@pytest.mark.django_db
def test_the_readme_verifier_accepts_our_deliveries(
    environment: Environment, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    code = readme.split("Verify it like this:\n\n```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - the README's own snippet, run as a receiver would
    _ping(environment)
    deliver_all()

    (item,) = receiver.received
    raw = item.body_raw
    assert len([line for line in code.splitlines() if line.strip()]) == 4  # short enough to paste
    assert namespace["kombo_signature_valid"](receiver.secret, raw, item.headers["x-kombo-signature"]) is True
    assert namespace["kombo_signature_valid"](receiver.secret, raw + b" ", item.headers["x-kombo-signature"]) is False
