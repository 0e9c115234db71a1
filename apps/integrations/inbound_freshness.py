"""Freshness of inbound webhooks per integration and model (last event, last targeted read, lag), and the
polling interval they allow: while an integration received an event within `INBOUND_WEBHOOK_HEALTHY_HOURS`, its
scheduled delta runs `INBOUND_WEBHOOK_DELTA_FACTOR` times less often (it only catches what webhooks lost)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from apps.connectors.registry import get_connector_class
from apps.connectors.webhooks import WebhookSetup
from apps.integrations.models import InboundFreshness, InboundWebhookEndpoint, Integration


def delta_interval_factor(last_received_at: datetime | None, now: datetime) -> float:
    """How much longer than configured the delta interval is: the factor while webhooks are healthy, else 1."""
    if last_received_at is None:
        return 1.0
    if now - last_received_at > timedelta(hours=settings.INBOUND_WEBHOOK_HEALTHY_HOURS):
        return 1.0
    return max(1.0, float(settings.INBOUND_WEBHOOK_DELTA_FACTOR))


def webhooks_healthy(endpoint: InboundWebhookEndpoint | None, now: datetime) -> bool:
    return endpoint is not None and delta_interval_factor(endpoint.last_received_at, now) > 1.0


def freshness(integration: Integration, *, now: datetime) -> dict[str, Any] | None:
    """The `inbound_webhooks` extension object of the integration details; None for tools without webhooks."""
    connector_class = get_connector_class(integration.tool)
    setup = connector_class.webhook_setup
    if setup == WebhookSetup.NONE:
        return None
    endpoint = InboundWebhookEndpoint.objects.filter(integration=integration).first()
    rows = InboundFreshness.objects.filter(integration=integration).order_by("model")
    return {
        "setup": setup.value,
        "status": endpoint.state if endpoint is not None else InboundWebhookEndpoint.State.PENDING,
        "healthy": webhooks_healthy(endpoint, now),
        "last_event_received_at": endpoint.last_received_at if endpoint is not None else None,
        "vendor_key_stored": (
            bool(endpoint is not None and endpoint.vendor_secret_encrypted)
            if connector_class.webhook_vendor_secret
            else None
        ),
        "models": [
            {
                "model": row.model,
                "last_event_received_at": row.last_event_at,
                "last_targeted_sync_at": row.last_targeted_sync_at,
                "lag_seconds": row.last_lag_ms / 1000 if row.last_lag_ms is not None else None,
            }
            for row in rows
        ],
    }
