"""Inbound webhooks over an integration's life: subscribe when it becomes active, unsubscribe when it goes.

- `WebhookSetup.API` tools: `connector.subscribe_webhooks(url=, secret=)` after the connection flow completes and
  on re-enable (a django-q2 task: the vendor may call our URL back during the subscription, as SmartRecruiters'
  `X-Hook-Secret` handshake does, so it must not wait inside the request that made the integration active);
  `unsubscribe_webhooks` on `PUT /integrations/{id}/enabled false` and before a delete. A failed subscription
  raises the `integration.webhooks_unavailable` issue; polling goes on as before.
- `WebhookSetup.MANUAL` tools: the endpoint exists and the flow's done page and the admin show its URL and secret,
  or, where the vendor generates the signing key (Teamtailor), take that key (`inbound_vendor_secret_save`).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django_q.tasks import async_task

from apps.connectors.errors import ConnectorError
from apps.connectors.registry import get_connector_class
from apps.connectors.webhooks import WebhookSetup, WebhookSubscription
from apps.core.timeutils import utcnow
from apps.integrations.enabled import is_disabled
from apps.integrations.inbound_services import (
    inbound_endpoint_ensure,
    inbound_has_vendor_secret,
    inbound_secret,
    inbound_set_vendor_secret,
    inbound_url,
)
from apps.integrations.issue_models import IssueType
from apps.integrations.models import InboundWebhookEndpoint, Integration

logger = logging.getLogger("apps.integrations.inbound")

TASK_ACTIVATE = "apps.integrations.inbound_tasks.inbound_activate"


def callback_base_url() -> str:
    """Where vendors reach us: INBOUND_WEBHOOK_BASE_URL, else PUBLIC_BASE_URL."""
    return (getattr(settings, "INBOUND_WEBHOOK_BASE_URL", "") or settings.PUBLIC_BASE_URL or "").rstrip("/")


def setup_of(integration: Integration) -> WebhookSetup:
    return get_connector_class(integration.tool).webhook_setup


def inbound_activation_enqueue(integration_id: str) -> None:
    """After the commit that made the integration active: subscribe in a task (see the module docstring)."""
    integration = Integration.objects.filter(id=integration_id).only("tool").first()
    if integration is None or setup_of(integration) == WebhookSetup.NONE:
        return
    transaction.on_commit(lambda: async_task(TASK_ACTIVATE, integration_id, group=f"inbound:{integration_id}"))


def inbound_activate(*, integration: Integration) -> InboundWebhookEndpoint | None:
    """Make sure the integration receives its tool's webhooks (idempotent). None for tools without webhooks."""
    from apps.integrations.connectors import connector_for
    from apps.integrations.issues import issue_raise, issue_resolve

    setup = setup_of(integration)
    if setup == WebhookSetup.NONE:
        return None
    endpoint = inbound_endpoint_ensure(integration=integration)
    if setup == WebhookSetup.MANUAL:
        InboundWebhookEndpoint.objects.filter(pk=endpoint.pk).update(state=InboundWebhookEndpoint.State.MANUAL)
        endpoint.refresh_from_db()
        return endpoint
    if is_disabled(integration) or integration.state != Integration.State.ACTIVE:
        return endpoint
    base = callback_base_url()
    if not base:
        endpoint.last_error = "Neither INBOUND_WEBHOOK_BASE_URL nor PUBLIC_BASE_URL is set: the ATS cannot reach us."
        endpoint.save(update_fields=["last_error", "updated_at"])
        return endpoint
    try:
        subscription = connector_for(integration).subscribe_webhooks(
            url=inbound_url(endpoint, base_url=base), secret=inbound_secret(endpoint)
        )
    except ConnectorError as exc:
        logger.warning("subscribing %s to webhooks failed: %s", integration.id, exc)
        endpoint.state = InboundWebhookEndpoint.State.FAILED
        endpoint.last_error = str(exc)[:2000]
        endpoint.save(update_fields=["state", "last_error", "updated_at"])
        issue_raise(integration=integration, type=IssueType.WEBHOOKS_UNAVAILABLE, detail=str(exc))
        return endpoint
    endpoint.subscription_ids = list(subscription.remote_ids)
    endpoint.subscription_details = dict(subscription.details)
    endpoint.state = InboundWebhookEndpoint.State.SUBSCRIBED
    endpoint.subscribed_at = utcnow()
    endpoint.last_error = ""
    endpoint.save(
        update_fields=["subscription_ids", "subscription_details", "state", "subscribed_at", "last_error", "updated_at"]
    )
    inbound_set_vendor_secret(endpoint=endpoint, secret=subscription.secret)
    issue_resolve(integration=integration, type=IssueType.WEBHOOKS_UNAVAILABLE)
    return endpoint


def inbound_deactivate(*, integration: Integration) -> None:
    """Remove the vendor's subscriptions (disable, delete). Failures are logged: the integration goes anyway, and a
    delivery to a deleted or disabled integration changes nothing."""
    from apps.integrations.connectors import connector_for

    endpoint = InboundWebhookEndpoint.objects.filter(integration=integration).first()
    if endpoint is None or not endpoint.subscription_ids:
        return
    subscription = WebhookSubscription(
        remote_ids=tuple(endpoint.subscription_ids), details=dict(endpoint.subscription_details)
    )
    try:
        connector_for(integration).unsubscribe_webhooks(subscription)
    except ConnectorError as exc:
        logger.warning("unsubscribing %s from webhooks failed: %s", integration.id, exc)
        endpoint.last_error = str(exc)[:2000]
    endpoint.subscription_ids = []
    endpoint.state = InboundWebhookEndpoint.State.UNSUBSCRIBED
    endpoint.save(update_fields=["subscription_ids", "state", "last_error", "updated_at"])


def manual_setup(integration: Integration) -> dict[str, Any] | None:
    """For MANUAL tools: what the end user pastes into the ATS (the URL, and our secret unless the vendor generates
    the key: then `vendor_key` is true and the flow asks for it) and the vendor's steps; else None."""
    if setup_of(integration) != WebhookSetup.MANUAL:
        return None
    endpoint = inbound_activate(integration=integration)
    assert endpoint is not None
    connector_class = get_connector_class(integration.tool)
    return {
        "url": inbound_url(endpoint, base_url=callback_base_url()),
        "secret": "" if connector_class.webhook_vendor_secret else inbound_secret(endpoint),
        "vendor_key": connector_class.webhook_vendor_secret,
        "vendor_key_set": inbound_has_vendor_secret(endpoint),
        "guide": connector_class.webhook_setup_guide or "",
    }
