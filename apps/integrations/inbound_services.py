"""Inbound ATS webhooks, platform side: the endpoint per integration, receiving a delivery, queuing its targets.

Receiving (`inbound_receive`) does no ATS call and no record write: it checks the URL token in constant time,
lets the connector verify the delivery (`parse_webhook`, exactly as the vendor documents), answers the vendor's
handshake or challenge when the event carries one, records the delivery (a replayed event id is a DUPLICATE and
changes nothing), merges its targets into the integration's pending set and queues one django-q2 task. The
targeted delta (`apps.integrations.inbound_targeted`) reads and stores them.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Least

from apps.connectors.errors import ConnectorError
from apps.connectors.webhooks import InboundWebhook, WebhookEvent, WebhookRejected, WebhookSetup
from apps.core.crypto import keyring
from apps.core.timeutils import utcnow
from apps.integrations.enabled import is_disabled
from apps.integrations.inbound_targeted import pending_model, targeted_enqueue_unless_running
from apps.integrations.models import (
    InboundDelivery,
    InboundFreshness,
    InboundPendingTarget,
    InboundWebhookEndpoint,
    Integration,
)

logger = logging.getLogger("apps.integrations.inbound")


def _aad(integration_id: str, name: str) -> str:
    return f"inbound-webhook:{integration_id}:{name}"


def _encrypt(integration_id: str, name: str, value: str) -> str:
    return keyring().encrypt(value, associated_data=_aad(integration_id, name))


def _decrypt(integration_id: str, name: str, token: str) -> str:
    return keyring().decrypt(token, associated_data=_aad(integration_id, name)) if token else ""


def webhooks_supported(integration: Integration) -> bool:
    from apps.connectors.registry import get_connector_class

    return get_connector_class(integration.tool).webhook_setup != WebhookSetup.NONE


def inbound_endpoint_ensure(*, integration: Integration) -> InboundWebhookEndpoint:
    """The integration's endpoint, created with a fresh token and secret the first time (idempotent)."""
    existing = InboundWebhookEndpoint.objects.filter(integration=integration).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return InboundWebhookEndpoint.objects.create(
                integration=integration,
                token=secrets.token_urlsafe(32),
                secret_encrypted=_encrypt(integration.id, "secret", secrets.token_urlsafe(24)),
            )
    except IntegrityError:  # created in between
        return InboundWebhookEndpoint.objects.get(integration=integration)


def inbound_secret(endpoint: InboundWebhookEndpoint) -> str:
    """Our secret: what the vendor is given (Factorial's challenge, a callback header)."""
    return _decrypt(endpoint.integration_id, "secret", endpoint.secret_encrypted)


def inbound_verifying_secret(endpoint: InboundWebhookEndpoint) -> str:
    """What `parse_webhook` verifies with: the signing key the vendor issued, else ours."""
    vendor = _decrypt(endpoint.integration_id, "vendor_secret", endpoint.vendor_secret_encrypted)
    return vendor or inbound_secret(endpoint)


def inbound_set_vendor_secret(*, endpoint: InboundWebhookEndpoint, secret: str | None) -> None:
    endpoint.vendor_secret_encrypted = _encrypt(endpoint.integration_id, "vendor_secret", secret) if secret else ""
    endpoint.save(update_fields=["vendor_secret_encrypted", "updated_at"])


VENDOR_SECRET_MAX_LENGTH = 255


class VendorSecretInvalid(ValueError):
    """A pasted signing key we cannot use; the message (English, German in locale/de) says what to do."""


def inbound_vendor_secret_save(*, endpoint: InboundWebhookEndpoint, value: str) -> None:
    """Store the signing key the end user copied from the vendor (Teamtailor's signature key), encrypted.
    Surrounding whitespace from copying is dropped; anything else that cannot be a key is refused."""
    key = (value or "").strip()
    if not key:
        raise VendorSecretInvalid("Paste the signature key the ATS shows.")
    if len(key) > VENDOR_SECRET_MAX_LENGTH:
        raise VendorSecretInvalid("The signature key is too long (at most 255 characters).")
    if any(character.isspace() or not character.isprintable() for character in key):
        raise VendorSecretInvalid("The signature key contains spaces or line breaks: paste only the key.")
    inbound_set_vendor_secret(endpoint=endpoint, secret=key)


def inbound_has_vendor_secret(endpoint: InboundWebhookEndpoint) -> bool:
    return bool(endpoint.vendor_secret_encrypted)


def inbound_url(endpoint: InboundWebhookEndpoint, *, base_url: str | None = None) -> str:
    """The receiving URL the vendor posts to (PUBLIC_BASE_URL unless given)."""
    base = (base_url or getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}/webhooks/inbound/{endpoint.integration_id}/{endpoint.token}"


# -- receiving ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboundAnswer:
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


UNAUTHORIZED = InboundAnswer(401, {"Content-Type": "text/plain"}, b"unauthorized")
NOT_FOUND = InboundAnswer(404, {"Content-Type": "text/plain"}, b"not found")


def _record(
    integration_id: str, received_at: datetime, outcome: str, *, event: WebhookEvent | None = None, reason: str = ""
) -> InboundDelivery:
    return InboundDelivery.objects.create(
        integration_id=integration_id,
        received_at=received_at,
        outcome=outcome,
        reason=reason[:500],
        event_id=event.event_id if event is not None else None,
        event_type=(event.event_type if event is not None else "")[:200],
        occurred_at=event.occurred_at if event is not None else None,
        targets=[{"model": t.model.value, "remote_id": t.remote_id} for t in event.targets] if event else [],
    )


def inbound_receive(
    *, integration_id: str, token: str, headers: Mapping[str, str], body: bytes, received_at: datetime | None = None
) -> InboundAnswer:
    """Verify and record one delivery; queue the targeted delta of its records. Never calls the ATS."""
    from apps.integrations.connectors import connector_for

    received_at = received_at or utcnow()
    endpoint = (
        InboundWebhookEndpoint.objects.select_related("integration").filter(integration_id=integration_id).first()
    )
    # Compared in constant time whatever exists, so timing tells nothing about valid integration ids or tokens.
    expected = endpoint.token if endpoint is not None else secrets.token_urlsafe(32)
    if not hmac.compare_digest(expected.encode(), token.encode()) or endpoint is None:
        if endpoint is not None:
            _record(integration_id, received_at, InboundDelivery.Outcome.REJECTED, reason="wrong URL token")
        return UNAUTHORIZED
    integration = endpoint.integration
    webhook = InboundWebhook(headers={k.lower(): v for k, v in headers.items()}, body=body, received_at=received_at)
    try:
        event = connector_for(integration).parse_webhook(webhook, secret=inbound_verifying_secret(endpoint))
    except WebhookRejected as exc:
        logger.warning("inbound webhook for %s rejected: %s", integration_id, exc.reason)
        _record(integration_id, received_at, InboundDelivery.Outcome.REJECTED, reason=exc.reason)
        return UNAUTHORIZED
    except ConnectorError as exc:  # the tool sends nothing we understand
        _record(integration_id, received_at, InboundDelivery.Outcome.REJECTED, reason=str(exc))
        return NOT_FOUND
    if event.reply is not None and not event.targets:
        _record(integration_id, received_at, InboundDelivery.Outcome.HANDSHAKE, event=event)
        return InboundAnswer(event.reply.status, event.reply.headers, event.reply.body)
    # The vendor's expected acknowledgement (SmartRecruiters: 202) when the connector names one, else 200.
    answer = (
        InboundAnswer(event.reply.status, event.reply.headers, event.reply.body) if event.reply else InboundAnswer(200)
    )
    if is_disabled(integration):  # switched off: acknowledged (the vendor should not retry), nothing read
        _record(integration_id, received_at, InboundDelivery.Outcome.REJECTED, event=event, reason="disabled")
        return answer
    _accept(endpoint, event, received_at)
    return answer


def _accept(endpoint: InboundWebhookEndpoint, event: WebhookEvent, received_at: datetime) -> None:
    integration_id = endpoint.integration_id
    try:
        with transaction.atomic():
            delivery = _record(integration_id, received_at, InboundDelivery.Outcome.ACCEPTED, event=event)
            for target in event.targets:
                InboundPendingTarget.objects.get_or_create(
                    integration_id=integration_id, model=pending_model(target), remote_id=target.remote_id,
                    defaults={"first_event_at": received_at, "delivery": delivery},
                )  # fmt: skip
            for model in sorted({target.model.value for target in event.targets}):  # one lock order everywhere
                row, created = InboundFreshness.objects.get_or_create(
                    integration_id=integration_id, model=model, defaults={"last_event_at": received_at}
                )
                if not created:
                    InboundFreshness.objects.filter(id=row.id).update(last_event_at=received_at)
            InboundWebhookEndpoint.objects.filter(integration_id=integration_id).update(last_received_at=received_at)
            if event.targets:
                transaction.on_commit(lambda: targeted_enqueue_unless_running(integration_id))
            else:
                InboundDelivery.objects.filter(id=delivery.id).update(processed_at=received_at)
    except IntegrityError:  # this event id was accepted before: a replay (or the vendor's retry of a success)
        _record(integration_id, received_at, InboundDelivery.Outcome.DUPLICATE, event=event)


def pending_targets_merge(*, integration_id: str, targets: list[tuple[str, str]], at: datetime) -> None:
    """Add targets (model, remote id) to the pending set (the earliest event time wins)."""
    for model, remote_id in targets:
        row, created = InboundPendingTarget.objects.get_or_create(
            integration_id=integration_id, model=model, remote_id=remote_id, defaults={"first_event_at": at}
        )
        if not created:
            InboundPendingTarget.objects.filter(id=row.id).update(first_event_at=Least(F("first_event_at"), at))
