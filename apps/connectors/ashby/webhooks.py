"""Ashby webhooks, connector side (reference B7, https://developers.ashbyhq.com/docs/webhooks): one webhook per
`webhookType`, registered with `webhook.create {webhookType, requestUrl, secretToken}` (our secret: Ashby signs
with the `secretToken` it is given), signed `Ashby-Signature: sha256=<hex HMAC-SHA256 of the raw body>`.

Ashby signs no timestamp, so freshness cannot be checked from the signature; a re-sent delivery carries the same
`webhookActionId` ("stable across retries and webhooks"), which is our event id: the platform processes it once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from apps.connectors.catalog import ReadModel
from apps.connectors.errors import ConnectorError, ConnectorNotFound
from apps.connectors.webhooks import InboundWebhook, WebhookEvent, WebhookRejected, WebhookSubscription, WebhookTarget

# What changes an application or a candidate; `ping` is answered with no targets.
WEBHOOK_EVENTS: tuple[str, ...] = (
    "applicationSubmit",
    "applicationUpdate",
    "candidateStageChange",
    "candidateHire",
    "candidateDelete",
    "candidateMerge",
)
SIGNATURE_HEADER = "ashby-signature"


def subscribe(client: Any, *, url: str, secret: str) -> WebhookSubscription:
    """One `webhook.create` per type. Ashby documents no `webhook.list`, so what an earlier attempt left cannot
    be found again: a failure part-way removes the webhooks this call made before raising."""
    made: list[str] = []
    try:
        for kind in WEBHOOK_EVENTS:
            hook = client.result("webhook.create", {"webhookType": kind, "requestUrl": url, "secretToken": secret})
            made.append(str(hook["id"]))
    except ConnectorError:
        unsubscribe(client, WebhookSubscription(remote_ids=tuple(made)))
        raise
    return WebhookSubscription(remote_ids=tuple(made), details={"webhook_types": ",".join(WEBHOOK_EVENTS)})


def unsubscribe(client: Any, subscription: WebhookSubscription) -> None:
    for webhook_id in subscription.remote_ids:
        try:
            client.result("webhook.delete", {"webhookId": webhook_id})
        except ConnectorNotFound:
            continue  # already gone in Ashby


def parse(webhook: InboundWebhook, *, secret: str) -> WebhookEvent:
    header = webhook.headers.get(SIGNATURE_HEADER, "")
    scheme, _, signature = header.partition("=")
    if scheme != "sha256" or not signature:
        raise WebhookRejected("missing or malformed Ashby-Signature")
    expected = hmac.new(secret.encode(), webhook.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise WebhookRejected("Ashby-Signature does not match the body")
    try:
        body = json.loads(webhook.body)
    except ValueError:
        raise WebhookRejected("the body is not JSON") from None
    if not isinstance(body, dict):
        raise WebhookRejected("the body is not a JSON object")
    action = str(body.get("action") or "")
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    action_id = body.get("webhookActionId")
    return WebhookEvent(
        targets=_targets(action, data),
        event_id=str(action_id) if action_id else None,
        event_type=action,
    )


def _targets(action: str, data: dict[str, Any]) -> tuple[WebhookTarget, ...]:
    if action == "candidateDelete":
        return _candidates(data.get("candidate"))
    if action == "candidateMerge":
        return _candidates(data.get("deletedCandidate"), data.get("mergedCandidate"))
    application = data.get("application")
    if not isinstance(application, dict) or not application.get("id"):
        return ()  # ping, or a type we do not subscribe to
    targets = [WebhookTarget(ReadModel.APPLICATIONS, str(application["id"]))]
    targets.extend(_candidates(application.get("candidate")))
    return tuple(targets)


def _candidates(*records: Any) -> tuple[WebhookTarget, ...]:
    return tuple(
        WebhookTarget(ReadModel.CANDIDATES, str(record["id"]))
        for record in records
        if isinstance(record, dict) and record.get("id")
    )
