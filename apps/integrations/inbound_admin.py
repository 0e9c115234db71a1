"""The inbound-webhooks block of the admin integration page: setup, subscription state, the receiving URL (and
for MANUAL tools the secret and the vendor's steps), health, the polling interval it allows, freshness per model
and the deliveries received."""

from __future__ import annotations

from django.db.models import Count
from django.utils.html import format_html, format_html_join

from apps.connectors.registry import get_connector_class
from apps.connectors.webhooks import WebhookSetup
from apps.core.timeutils import utcnow
from apps.integrations.inbound_freshness import delta_interval_factor, freshness
from apps.integrations.inbound_lifecycle import callback_base_url
from apps.integrations.inbound_services import inbound_secret, inbound_url
from apps.integrations.models import InboundDelivery, InboundWebhookEndpoint, Integration


def _at(moment: object) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "—"  # type: ignore[attr-defined]


def inbound_webhooks_html(integration: Integration) -> str:
    connector_class = get_connector_class(integration.tool)
    if connector_class.webhook_setup == WebhookSetup.NONE:
        return "This tool sends no webhooks Tributary uses: polling only."
    now = utcnow()
    fresh = freshness(integration, now=now) or {}
    endpoint = InboundWebhookEndpoint.objects.filter(integration=integration).first()
    if endpoint is None:
        return format_html('<span class="inbound-status" data-status="{}">{}</span>', "PENDING", "Not set up yet")
    url = inbound_url(endpoint, base_url=callback_base_url())
    manual = ""
    if connector_class.webhook_setup == WebhookSetup.MANUAL:
        manual = format_html(
            '<p>Secret: <code id="inbound-secret">{}</code></p><div class="inbound-guide">{}</div>',
            inbound_secret(endpoint), connector_class.webhook_setup_guide or "",
        )  # fmt: skip
    factor = delta_interval_factor(endpoint.last_received_at, now)
    deliveries = dict(
        InboundDelivery.objects.filter(integration=integration)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .values_list("outcome", "n")
    )
    rows = format_html_join(
        "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        ((row["model"], _at(row["last_event_received_at"]), _at(row["last_targeted_sync_at"]),
          "—" if row["lag_seconds"] is None else f"{row['lag_seconds']:.3f} s") for row in fresh.get("models", [])),
    )  # fmt: skip
    return format_html(
        '<p><span class="inbound-status" data-status="{}">{}</span> ({} setup){}</p>'
        '<p>Receiving URL: <code id="inbound-url">{}</code></p>{}'
        "<p>Last event received: {} · {} · deliveries: {}</p>"
        '<table class="inbound-freshness"><thead><tr><th>Model</th><th>Last event</th><th>Last targeted sync</th>'
        "<th>Lag (event → stored)</th></tr></thead><tbody>{}</tbody></table>",
        endpoint.state, endpoint.get_state_display(), connector_class.webhook_setup.value,
        format_html(' <span class="errornote-inline">{}</span>', endpoint.last_error) if endpoint.last_error else "",
        url, manual, _at(endpoint.last_received_at),
        f"healthy: scheduled deltas {factor:g}× less often" if factor > 1 else "not healthy: deltas at their interval",
        ", ".join(f"{outcome.lower()} {count}" for outcome, count in sorted(deliveries.items())) or "none",
        rows,
    )  # fmt: skip
