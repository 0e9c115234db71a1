"""Inbound webhooks in the connection flow: what the done page shows for tools whose webhooks are set up by hand,
and the signing key the end user pastes there when the vendor generates it (Teamtailor).

The done page is rendered by the request that completes the link, so the key is posted after completion:
`POST /connect/<link token>/webhook-key` (the done page's script, without reloading the page, so the activation
token it holds still reaches @kombo-api/connect). The link token authenticates it, for as long as the activation
token lives; it answers JSON: 200 `{"saved": true, "message"}`, 400 `{"field": "signature_key", "error"}`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.connectors.registry import get_connector_class
from apps.core.timeutils import utcnow
from apps.integrations.connect_pages import _language, _url, render_markdown
from apps.integrations.connect_selectors import connect_link_for_token
from apps.integrations.inbound_lifecycle import manual_setup
from apps.integrations.inbound_services import VendorSecretInvalid, inbound_endpoint_ensure, inbound_vendor_secret_save
from apps.integrations.models import Integration

FIELD = "signature_key"


def manual_webhook_context(integration: Integration, token: str) -> dict[str, Any] | None:
    """For tools whose webhooks are set up by hand: the URL, our secret or the field for the vendor's key, and the
    vendor's steps (translated)."""
    setup = manual_setup(integration)
    if setup is None:
        return None
    guide = render_markdown(_(setup["guide"])) if setup["guide"] else ""
    key_url = _url("webhook-key", token) if setup["vendor_key"] else ""
    return {**setup, "guide": guide, "key_url": key_url}


@xframe_options_exempt
@csrf_exempt  # the pages set no cookies: the link token in the path is the only credential (connect_flow)
@never_cache
@require_POST
def webhook_key(request: HttpRequest, token: str) -> JsonResponse:
    link = connect_link_for_token(token)
    integration = link.integration if link is not None else None
    if (
        link is None
        or integration is None
        or link.completed_at is None
        or not get_connector_class(integration.tool).webhook_vendor_secret
    ):
        return JsonResponse({"error": "Not found."}, status=404)
    with translation.override(_language(link)):
        if utcnow() - link.completed_at > timedelta(seconds=settings.CONNECT_ACTIVATION_TOKEN_SECONDS):
            return JsonResponse({"error": _("This link has expired")}, status=410)
        endpoint = inbound_endpoint_ensure(integration=integration)
        try:
            inbound_vendor_secret_save(endpoint=endpoint, value=request.POST.get(FIELD, ""))
        except VendorSecretInvalid as invalid:
            return JsonResponse({"field": FIELD, "error": _(str(invalid))}, status=400)
        label = get_connector_class(integration.tool).label
        message = _("Signature key saved: changes in %(tool)s now arrive within seconds.") % {"tool": label}
        return JsonResponse({"saved": True, "message": message})
