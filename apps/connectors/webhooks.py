"""Inbound ATS webhooks, connector side: what a vendor pushes, verified and turned into the records it names.

A connector whose vendor pushes changes sets `Connector.webhook_setup` and implements three methods
(`subscribe_webhooks`, `unsubscribe_webhooks`, `parse_webhook`; see `apps.connectors.base`). Everything else is
the platform's, once for every vendor: the receiving URL `/webhooks/inbound/<integration id>/<token>`, the
per-integration secret, replay protection by event id, the fast acknowledgement, the targeted delta that reads
exactly the named records through `Connector.read(model, remote_ids=...)`, coalescing and freshness.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from apps.connectors.catalog import ReadModel


class WebhookSetup(StrEnum):
    """How an integration's webhooks come to exist."""

    NONE = "NONE"  # the vendor pushes nothing Tributary can use: polling only
    API = "API"  # Tributary subscribes and unsubscribes through the vendor's registration API
    MANUAL = "MANUAL"  # the end user pastes the URL (and the secret) into the vendor's settings; the flow shows them


@dataclass(frozen=True)
class InboundWebhook:
    """One delivery as received: header names lower-cased, the raw body bytes (signatures cover these)."""

    headers: Mapping[str, str]
    body: bytes
    received_at: datetime


@dataclass(frozen=True)
class WebhookTarget:
    """A record the event names. The targeted delta reads it with `read(model, remote_ids=[remote_id])`;
    absent from that read means gone.

    `aspect` (optional) names the part of the record the event can have changed (e.g. SmartRecruiters' status
    events: the application and its status history, not its screening answers). The targeted delta then reads
    through `Connector.read_aspect`, which keeps the rest from the stored record; a record also named without an
    aspect (or with another one) in the same batch is read whole."""

    model: ReadModel
    remote_id: str
    aspect: str | None = None


@dataclass(frozen=True)
class WebhookReply:
    """What to answer the vendor when it expects more than an empty 200 (a subscription handshake, a challenge)."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class WebhookEvent:
    """A verified delivery. `event_id` is the vendor's id of the event or delivery when it sends one (a replay
    of a processed id changes nothing); `targets` may be empty (a ping, a handshake, an event we do not use)."""

    targets: tuple[WebhookTarget, ...] = ()
    event_id: str | None = None
    event_type: str = ""
    occurred_at: datetime | None = None
    reply: WebhookReply | None = None


@dataclass(frozen=True)
class WebhookSubscription:
    """What subscribing left behind: the vendor's ids of the subscriptions (to remove them later), and the
    signing secret when the vendor issues it (Lever's `signatureToken`, SmartRecruiters' secret key) rather than
    taking ours. The platform stores `secret` encrypted and passes it to `parse_webhook`."""

    remote_ids: tuple[str, ...] = ()
    secret: str | None = None
    details: Mapping[str, str] = field(default_factory=dict)


class WebhookRejected(Exception):
    """The delivery is not authentic or not fresh (bad or missing signature, stale timestamp, wrong token).
    The platform answers 401 and processes nothing. `reason` is logged, never shown to the sender."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
