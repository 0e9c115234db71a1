"""Outgoing webhooks: managing endpoints, and announcing events into the outbox.

Every `announce_*` writes its event (and one delivery per subscribed endpoint) in the caller's transaction; the
deliveries go to the workers when that transaction commits (see `apps.integrations.webhook_delivery`). A
rolled-back change therefore never announces anything, and a committed one is never lost.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from apps.connectors.catalog import ReadModel
from apps.connectors.http_fetch import address_allowed
from apps.core.api.errors import input_invalid
from apps.core.compiled import CompiledInsert, CompiledValues
from apps.core.crypto import keyring
from apps.core.ids import new_id
from apps.core.timeutils import utcnow
from apps.integrations import webhook_payloads as payloads
from apps.integrations.models import (
    ConnectionFlowFailure,
    Environment,
    Integration,
    SyncRun,
    SyncRunModel,
)
from apps.integrations.webhook_delivery import allowed_networks, enqueue_on_commit, secret_aad
from apps.integrations.webhook_models import (
    SUBSCRIBABLE_EVENT_TYPES,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookEventType,
    WebhookIntegrationState,
)
from apps.integrations.webhook_payloads import IssueChange
from apps.integrations.webhook_signing import new_secret

MESSAGE_URL_SCHEME = "url: only http and https URLs can receive webhooks."
MESSAGE_URL_ADDRESS = (
    "url: {host} resolves to a non-public address ({addresses}); WEBHOOK_ALLOWED_NETWORKS can allow it."
)
MESSAGE_URL_UNRESOLVED = "url: the host {host} could not be resolved."
MESSAGE_EVENT_TYPES = "events: unknown event type {value!r} (known: {known})."


# -- endpoints -------------------------------------------------------------------------------------


def webhook_url_check(url: str) -> str:
    """The URL, if webhooks may be sent to it: http(s), and a host on public addresses (or allowed networks)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise input_invalid(MESSAGE_URL_SCHEME)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise input_invalid(MESSAGE_URL_UNRESOLVED.format(host=parts.hostname)) from None
    addresses = sorted({str(info[4][0]) for info in infos})
    refused = [address for address in addresses if not address_allowed(address, allowed_networks())]
    if refused:
        raise input_invalid(MESSAGE_URL_ADDRESS.format(host=parts.hostname, addresses=", ".join(refused)))
    return url


def webhook_event_types_check(values: Iterable[str]) -> list[str]:
    """The subscribed event types, in the contract's order (an empty list: all of them)."""
    chosen = {value.strip() for value in values if value.strip()}
    for value in sorted(chosen):
        if value not in SUBSCRIBABLE_EVENT_TYPES:
            raise input_invalid(MESSAGE_EVENT_TYPES.format(value=value, known=", ".join(SUBSCRIBABLE_EVENT_TYPES)))
    return [value for value in SUBSCRIBABLE_EVENT_TYPES if value in chosen]


def _encrypt_secret(endpoint_id: str, secret: str) -> str:
    return keyring().encrypt(secret, associated_data=secret_aad(endpoint_id))


def webhook_endpoint_create(
    *, environment: Environment, url: str, event_types: Sequence[str] = (), active: bool = True
) -> tuple[WebhookEndpoint, str]:
    """Create an endpoint with a fresh secret; the secret is returned once (stored only encrypted)."""
    endpoint_id = new_id()
    secret = new_secret()
    endpoint = WebhookEndpoint(
        id=endpoint_id,
        environment=environment,
        url=webhook_url_check(url),
        event_types=webhook_event_types_check(event_types),
        active=active,
        secret_encrypted=_encrypt_secret(endpoint_id, secret),
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint, secret


def webhook_endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, overlap: timedelta | None = None, now: datetime | None = None
) -> str:
    """A new secret (returned once); the current one keeps signing as well for `overlap` (default: a day)."""
    now = now or utcnow()
    overlap = overlap if overlap is not None else timedelta(seconds=settings.WEBHOOK_SECRET_OVERLAP_SECONDS)
    secret = new_secret()
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_secret_expires_at = now + overlap
    endpoint.secret_encrypted = _encrypt_secret(endpoint.id, secret)
    endpoint.save(
        update_fields=["secret_encrypted", "previous_secret_encrypted", "previous_secret_expires_at", "updated_at"]
    )
    return secret


def webhook_endpoint_remove(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


@transaction.atomic
def webhook_endpoint_enable(*, endpoint: WebhookEndpoint, now: datetime | None = None) -> int:
    """Staff re-enable an endpoint: its waiting deliveries start over (a fresh retry window). Returns how many."""
    now = now or utcnow()
    WebhookEndpoint.objects.filter(id=endpoint.id).update(
        active=True, disabled_at=None, disabled_reason="", failing_since=None
    )
    endpoint.active, endpoint.disabled_at, endpoint.disabled_reason, endpoint.failing_since = True, None, "", None
    waiting = list(
        WebhookDelivery.objects.filter(endpoint=endpoint, status=WebhookDelivery.Status.PENDING).values_list(
            "id", flat=True
        )
    )
    WebhookDelivery.objects.filter(id__in=waiting).update(window_started_at=now, next_attempt_at=now, enqueued_at=now)
    enqueue_on_commit(waiting)
    from apps.integrations.issues import observe_webhook_endpoint  # issues announce through this module

    observe_webhook_endpoint(
        environment_id=endpoint.environment_id, endpoint_id=endpoint.id, url=endpoint.url, disabled=False, now=now
    )
    return len(waiting)


# -- the outbox --------------------------------------------------------------------------------------


def _body(event_id: str, event_type: str, data: Mapping[str, Any]) -> str:
    return json.dumps({"id": event_id, "type": event_type, "data": data}, separators=(",", ":"), ensure_ascii=False)


# Read for every event (each create application writes one); compiled once (apps.core.compiled).
_ACTIVE_ENDPOINTS = CompiledValues(
    lambda environment_id: WebhookEndpoint.objects.filter(environment_id=environment_id, active=True).values(
        *(field.attname for field in WebhookEndpoint._meta.concrete_fields)
    ),
    arity=1,
)


_EVENT_INSERT = CompiledInsert(WebhookEvent)


def webhook_event_emit(
    *,
    environment_id: str,
    type: str,
    data: Mapping[str, Any],
    integration_id: str = "",
    endpoints: Sequence[WebhookEndpoint] | None = None,
    now: datetime | None = None,
) -> WebhookEvent:
    """Write one event and its deliveries (to `endpoints`, default: the environment's active subscribers) in the
    current transaction; the deliveries are sent after it commits."""
    now = now or utcnow()
    # No savepoint inside the caller's transaction: nothing here is caught and retried, and a write request
    # spares the two round trips.
    with transaction.atomic(savepoint=False):
        event_id = new_id()
        event = WebhookEvent(
            id=event_id, environment_id=environment_id, type=type, integration_id=integration_id,
            body=_body(event_id, type, data), created_at=now,
        )  # fmt: skip
        _EVENT_INSERT.insert(event)
        if endpoints is None:
            endpoints = [
                endpoint
                for endpoint in _ACTIVE_ENDPOINTS.instances(WebhookEndpoint, environment_id)
                if endpoint.wants(type)
            ]
        if not endpoints:  # nothing to deliver (and bulk_create of nothing still costs its checks)
            return event
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                event=event,
                endpoint=endpoint,
                created_at=now,
                window_started_at=now,
                next_attempt_at=now,
                enqueued_at=now,
            )  # fmt: skip
            for endpoint in endpoints
        )
        enqueue_on_commit([delivery.id for delivery in deliveries])
    return event


def webhook_delivery_send_again(*, delivery: WebhookDelivery, now: datetime | None = None) -> None:
    """Staff: send a delivery again (the same event id), with a fresh retry window, whatever its state."""
    now = now or utcnow()
    with transaction.atomic():
        WebhookDelivery.objects.filter(id=delivery.id).update(
            status=WebhookDelivery.Status.PENDING,
            window_started_at=now,
            next_attempt_at=now,
            lease_until=None,
            enqueued_at=now,
        )
        enqueue_on_commit([delivery.id])


def webhook_endpoint_replay(*, endpoint: WebhookEndpoint, since: datetime, now: datetime | None = None) -> int:
    """Staff: send every event of the environment since `since` that the endpoint subscribes to again (events it
    never had are sent for the first time). Returns how many deliveries were queued."""
    now = now or utcnow()
    with transaction.atomic():
        events = [
            event_id
            for event_id, event_type in WebhookEvent.objects.filter(
                environment_id=endpoint.environment_id, created_at__gte=since
            )
            .exclude(type=WebhookEventType.PING)
            .values_list("id", "type")
            if endpoint.wants(event_type)
        ]
        had = set(
            WebhookDelivery.objects.filter(endpoint=endpoint, event_id__in=events).values_list("event_id", flat=True)
        )
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                event_id=event_id, endpoint=endpoint, created_at=now, window_started_at=now, next_attempt_at=now
            )
            for event_id in events
            if event_id not in had
        )
        queued = list(
            WebhookDelivery.objects.filter(endpoint=endpoint, event_id__in=events).values_list("id", flat=True)
        )
        WebhookDelivery.objects.filter(id__in=queued).update(
            status=WebhookDelivery.Status.PENDING,
            window_started_at=now,
            next_attempt_at=now,
            lease_until=None,
            enqueued_at=now,
        )
        enqueue_on_commit(queued)
    return len(queued)


def webhook_endpoint_ping(*, endpoint: WebhookEndpoint, now: datetime | None = None) -> WebhookEvent:
    """Staff: a signed test event (`ping`) to this endpoint only, delivered like any other."""
    now = now or utcnow()
    return webhook_event_emit(
        environment_id=endpoint.environment_id, type=WebhookEventType.PING, data=payloads.ping(endpoint.id, now),
        endpoints=[endpoint], now=now,
    )  # fmt: skip


# -- announcements (one call from each place that changes something) ------------------------------------------


def announce_data_changed(*, integration: Integration, changed_models: Iterable[str]) -> WebhookEvent | None:
    """`data-changed` for the models named (nothing when none changed)."""
    names = sorted(set(changed_models))
    if not names:
        return None
    return webhook_event_emit(
        environment_id=integration.environment_id, type=WebhookEventType.DATA_CHANGED,
        data=payloads.data_changed(integration, names), integration_id=integration.id,
    )  # fmt: skip


def announce_records_written(*, integration: Integration, results: Mapping[ReadModel, Any]) -> WebhookEvent | None:
    """After a write stored records: `data-changed` for the models whose upsert result created or updated any."""
    changed = [model.value for model, result in results.items() if result.created or result.updated]
    return announce_data_changed(integration=integration, changed_models=changed)


def announce_sync_finished(*, run_id: str) -> list[WebhookEvent]:
    """When a run ends (any status): `data-changed` naming the models it changed (one per run), then
    `sync-finished`. Called in the transaction that finishes the run."""
    run = SyncRun.objects.select_related("integration").get(id=run_id)
    integration = run.integration
    changed = (
        SyncRunModel.objects.filter(run=run).exclude(created=0, updated=0, deleted=0).values_list("model", flat=True)
    )
    events = []
    data_changed = announce_data_changed(integration=integration, changed_models=changed)
    if data_changed is not None:
        events.append(data_changed)
    events.append(
        webhook_event_emit(
            environment_id=integration.environment_id,
            type=WebhookEventType.SYNC_FINISHED,
            data=payloads.sync_finished(run, integration),
            integration_id=integration.id,
        )  # fmt: skip
    )
    return events


def announce_integration_created(*, integration: Integration) -> WebhookEvent:
    """`integration-created`: the connection flow of a new integration completed."""
    return webhook_event_emit(
        environment_id=integration.environment_id, type=WebhookEventType.INTEGRATION_CREATED,
        data=payloads.integration_created(integration), integration_id=integration.id,
    )  # fmt: skip


def announce_integration_deleted(*, integration: Integration, now: datetime | None = None) -> WebhookEvent:
    """`integration-deleted`: written before the integration's row goes (in the same transaction)."""
    return webhook_event_emit(
        environment_id=integration.environment_id, type=WebhookEventType.INTEGRATION_DELETED,
        data=payloads.integration_deleted(integration, now or utcnow()), integration_id=integration.id,
    )  # fmt: skip


def announce_state_if_changed(*, integration_id: str) -> WebhookEvent | None:
    """`integration-state-changed` when `state` or `setup_status` differ from what was last announced.

    The first time an integration is seen, its values are only remembered (its creation is announced apart)."""
    with transaction.atomic():
        integration = Integration.objects.filter(id=integration_id).first()
        if integration is None:
            return None
        current = {"state": integration.state, "setup_status": integration.setup_status}
        known, created = WebhookIntegrationState.objects.select_for_update().get_or_create(
            integration_id=integration_id, defaults=current
        )
        if created or (known.state, known.setup_status) == (integration.state, integration.setup_status):
            return None
        WebhookIntegrationState.objects.filter(integration_id=integration_id).update(**current)
        return webhook_event_emit(
            environment_id=integration.environment_id, type=WebhookEventType.INTEGRATION_STATE_CHANGED,
            data=payloads.integration_state_changed(integration), integration_id=integration.id,
        )  # fmt: skip


def announce_connection_flow_failed(*, failure: ConnectionFlowFailure) -> WebhookEvent:
    """`connection-flow-failed` for a recorded failure of the connection flow."""
    link = failure.link
    return webhook_event_emit(
        environment_id=failure.environment_id, type=WebhookEventType.CONNECTION_FLOW_FAILED,
        data=payloads.connection_flow_failed(failure, link), integration_id=failure.integration_id or "",
    )  # fmt: skip


def announce_issue_status_changed(
    *, environment: Environment, change: IssueChange, integration: Integration | None = None
) -> WebhookEvent:
    """`issue-status-changed`: the issues code calls this in the transaction that raises or resolves an issue
    (`integration` None for an issue of the environment, e.g. a disabled webhook endpoint)."""
    return webhook_event_emit(
        environment_id=environment.id, type=WebhookEventType.ISSUE_STATUS_CHANGED,
        data=payloads.issue_status_changed(change, integration),
        integration_id=integration.id if integration is not None else "",
    )  # fmt: skip


def integration_saved(sender: type[Integration], instance: Integration, created: bool, **kwargs: Any) -> None:
    """post_save of Integration: remember a new one's state, announce a changed one's (admin, services)."""
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not {"state", "setup_status"} & set(update_fields):
        return
    announce_state_if_changed(integration_id=instance.id)


def webhook_events_purge(*, now: datetime | None = None) -> int:
    """Housekeeping: events older than WEBHOOK_EVENT_RETENTION_DAYS go, with their deliveries and attempts, unless
    a delivery is still pending."""
    cutoff = (now or utcnow()) - timedelta(days=settings.WEBHOOK_EVENT_RETENTION_DAYS)
    pending = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).values("event_id")
    _, by_model = WebhookEvent.objects.filter(created_at__lt=cutoff).exclude(id__in=pending).delete()
    return by_model.get(WebhookEvent._meta.label, 0)


def connect_signals() -> None:
    from django.db.models.signals import post_save

    post_save.connect(integration_saved, sender=Integration, dispatch_uid="webhooks.integration_saved")
