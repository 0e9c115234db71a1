"""Lever webhooks, connector side (reference ats-greenhouse-lever.md B7; LV-DOC "Webhooks via the API",
https://hire.lever.co/developer/documentation#webhooks).

Lever registers one webhook per `event` (`POST /webhooks {url, event, configuration}`) and issues a signature token
for each (`configuration.signatureToken`, shown once: `GET /webhooks` does not list it). A delivery's body is
`{id, event, triggeredAt (ms), token, signature, data}` and `signature = hex(HMAC-SHA256(signatureToken,
token + triggeredAt))`; the body itself is not signed, so the targets are only read from `data` after the check.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from apps.connectors.catalog import ReadModel
from apps.connectors.errors import ConnectorNotFound
from apps.connectors.webhooks import InboundWebhook, WebhookEvent, WebhookRejected, WebhookSubscription, WebhookTarget

# The events whose records Tributary reads: the opportunity (application) ones and the contact (candidate) ones.
# Interview events are left out: their `data` is NOT FOUND and interviews are read per opportunity anyway.
EVENTS = (
    "applicationCreated",
    "candidateStageChange",
    "candidateArchiveChange",
    "candidateHired",
    "candidateDeleted",
    "contactCreated",
    "contactUpdated",
)
_OPPORTUNITY_EVENTS = frozenset(EVENTS[:5])
_WITH_CANDIDATE = frozenset({"applicationCreated", "candidateDeleted", "contactCreated", "contactUpdated"})
# Lever documents no freshness window. Assumed: a delivery older than 3 hours is refused — more than the five
# retries' growing waits take (assumed 30 s … 1 h, 1 h 42 min in all), since a retry re-sends the same body and
# so the same `triggeredAt`; one more than 5 minutes ahead of our clock is refused too.
MAX_AGE = timedelta(hours=3)
MAX_AHEAD = timedelta(minutes=5)


def _signature(signature_token: str, token: str, triggered_at: int) -> str:
    return hmac.new(signature_token.encode(), f"{token}{triggered_at}".encode(), hashlib.sha256).hexdigest()


def signature_tokens(secret: str) -> dict[str, str]:
    """The stored secret: a JSON object of event → signature token (one per webhook, as Lever issues them);
    a plain string (one token pasted by hand) stands for every event."""
    try:
        parsed = json.loads(secret)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        return {str(k): str(v) for k, v in parsed.items() if v}
    return dict.fromkeys(EVENTS, secret) if secret else {}


class LeverWebhooks:
    """The webhook side of `LeverConnector` (mixed in)."""

    client: Any

    def subscribe_webhooks(self, *, url: str, secret: str) -> WebhookSubscription:
        """One webhook per event for `url`. Idempotent in effect: a webhook Lever already has for `url` and an
        event is replaced, not reused — its signature token cannot be read back (`GET /webhooks` omits it), and
        without it none of its deliveries could be verified. `secret` (ours) is unused: Lever signs with its own."""
        existing = self.client.get("/webhooks").get("data") or []
        for hook in existing:
            if hook.get("url") == url and hook.get("event") in EVENTS:
                self._delete_webhook(str(hook["id"]))
        ids: list[str] = []
        tokens: dict[str, str] = {}
        for event in EVENTS:
            body = self.client.call("POST", "/webhooks", body={"url": url, "event": event}, idempotent=False)
            created = _created(body)
            ids.append(str(created["id"]))
            tokens[event] = str(created["configuration"]["signatureToken"])
        return WebhookSubscription(
            remote_ids=tuple(ids), secret=json.dumps(tokens, sort_keys=True), details={"events": ", ".join(EVENTS)}
        )

    def unsubscribe_webhooks(self, subscription: WebhookSubscription) -> None:
        for remote_id in subscription.remote_ids:
            self._delete_webhook(remote_id)

    def _delete_webhook(self, remote_id: str) -> None:
        try:
            self.client.call("DELETE", f"/webhooks/{remote_id}", idempotent=True)
        except ConnectorNotFound:
            pass  # already gone

    def parse_webhook(self, webhook: InboundWebhook, *, secret: str) -> WebhookEvent:
        try:
            body = json.loads(webhook.body)
        except ValueError:
            raise WebhookRejected("the body is not JSON") from None
        if not isinstance(body, dict):
            raise WebhookRejected("the body is not a JSON object")
        event, token, signature, triggered_at = (body.get(k) for k in ("event", "token", "signature", "triggeredAt"))
        if not (isinstance(token, str) and token and isinstance(signature, str) and signature):
            raise WebhookRejected("no token or signature")
        if not isinstance(triggered_at, int) or isinstance(triggered_at, bool):
            raise WebhookRejected("no triggeredAt")
        signature_token = signature_tokens(secret).get(str(event))
        if not signature_token:
            raise WebhookRejected(f"no signature token for event {event!r}")
        if not hmac.compare_digest(_signature(signature_token, token, triggered_at), signature.lower()):
            raise WebhookRejected("signature mismatch")
        occurred_at = datetime.fromtimestamp(triggered_at / 1000, UTC)
        if occurred_at < webhook.received_at - MAX_AGE:
            raise WebhookRejected("stale: triggeredAt is too old")
        if occurred_at > webhook.received_at + MAX_AHEAD:
            raise WebhookRejected("triggeredAt is in the future")
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        return WebhookEvent(
            targets=_targets(str(event), data),
            # The signed `token` (unique per event; Lever: cache it against replays), not the unsigned `id`: a
            # captured delivery re-sent with another `id` would otherwise pass as new.
            event_id=token,
            event_type=str(event),
            occurred_at=occurred_at,
        )


def _created(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """`POST /webhooks` answers `{data: {data: {...}}}` in Lever's doc example; a single `{data: {...}}` is taken
    too, should Lever answer as its other endpoints do."""
    created = body["data"]
    return created["data"] if "data" in created and "id" not in created else created


def _targets(event: str, data: Mapping[str, Any]) -> tuple[WebhookTarget, ...]:
    targets: list[WebhookTarget] = []
    opportunity = data.get("opportunityId") or data.get("candidateId")
    if event in _OPPORTUNITY_EVENTS and opportunity:
        targets.append(WebhookTarget(ReadModel.APPLICATIONS, str(opportunity)))
    if event in _WITH_CANDIDATE and data.get("contactId"):
        targets.append(WebhookTarget(ReadModel.CANDIDATES, str(data["contactId"])))
    return tuple(targets)
