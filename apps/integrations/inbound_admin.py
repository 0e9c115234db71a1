"""The inbound-webhooks block of the admin integration page: setup, subscription state, the receiving URL (and
for MANUAL tools the secret, or the field for the signing key the vendor generated, and the vendor's steps),
health, the polling interval it allows, freshness per model and the deliveries received."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from apps.connectors.registry import get_connector_class
from apps.connectors.webhooks import WebhookSetup
from apps.core.timeutils import utcnow
from apps.integrations.connect_pages import render_markdown
from apps.integrations.inbound_freshness import delta_interval_factor, freshness
from apps.integrations.inbound_lifecycle import callback_base_url
from apps.integrations.inbound_services import (
    VendorSecretInvalid,
    inbound_endpoint_ensure,
    inbound_has_vendor_secret,
    inbound_secret,
    inbound_url,
    inbound_vendor_secret_save,
)
from apps.integrations.models import InboundDelivery, InboundWebhookEndpoint, Integration


def _at(moment: object) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "—"  # type: ignore[attr-defined]


def _vendor_key_field(integration: Integration, endpoint: InboundWebhookEndpoint) -> str:
    """The signing key the vendor generated (Teamtailor): whether it is stored, and a write-only field to replace
    it (posted by its own button to `inbound_vendor_key_view`; the key is never shown)."""
    label = get_connector_class(integration.tool).label
    return format_html(
        '<p>Signing key from {}: <span id="inbound-vendor-key" data-set="{}">{}</span></p>'
        '<p><input type="password" name="inbound_vendor_key" id="inbound-vendor-key-input" autocomplete="off" '
        'aria-label="Signing key"> <button type="submit" formaction="{}" formmethod="post" formnovalidate '
        'class="button" id="inbound-vendor-key-save">Save signing key</button></p>',
        label, "true" if inbound_has_vendor_secret(endpoint) else "false",
        "stored (encrypted)" if inbound_has_vendor_secret(endpoint)
        else "not stored yet: deliveries cannot be verified and are refused (401) until it is pasted here",
        reverse("admin:integrations_integration_inbound_vendor_key", args=[integration.pk]),
    )  # fmt: skip


def inbound_vendor_key_save(request: HttpRequest, integration: Integration) -> None:
    """Staff paste the vendor's signing key on the integration page; the outcome is a page message."""
    if not get_connector_class(integration.tool).webhook_vendor_secret:
        messages.error(request, "This tool takes Tributary's secret; there is no signing key to paste.")
        return
    endpoint = inbound_endpoint_ensure(integration=integration)
    try:
        inbound_vendor_secret_save(endpoint=endpoint, value=request.POST.get("inbound_vendor_key", ""))
    except VendorSecretInvalid as invalid:
        messages.error(request, f"Signing key not saved: {invalid}")
        return
    messages.success(request, "Signing key saved (encrypted).")


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
            '{}<div class="inbound-guide">{}</div>',
            _vendor_key_field(integration, endpoint) if connector_class.webhook_vendor_secret
            else format_html('<p>Secret: <code id="inbound-secret">{}</code></p>', inbound_secret(endpoint)),
            render_markdown(connector_class.webhook_setup_guide or ""),
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
