"""SmartRecruiters webhooks: the Subscriptions API, the `X-Hook-Secret` activation handshake, signed deliveries.

Facts: /work/shared/reference/ats-smartrecruiters-factorial.md A7 (SR-RB `api/subscriptions_api.rb`; SR-DOC
https://developers.smartrecruiters.com/docs/activating-webhook-subscriptions and
https://developers.smartrecruiters.com/docs/receiving-webhook-notifications).

- subscribe: `POST /subscriptions {callbackUrl, events}` (one subscription for every event we use, reused when one
  to the same URL exists), `PUT /subscriptions/{id}/activation` (SmartRecruiters then POSTs `X-Hook-Secret` to the
  URL and expects it echoed with 200 within 20 s), `POST /subscriptions/{id}/secret-key` → `{"secretKey"}`, the
  signing key (kept by the platform, encrypted);
- a delivery: ids only in the body (`{"id"}` for candidates and jobs, `{job_id, candidate_id, application_id}` for
  applications), headers `event-name`, `event-version`, `event-id`, `link`, `smartrecruiters-timestamp` and
  `smartrecruiters-signature: v1=<hex>` = HMAC-SHA256 over `timestamp.body.event-id.event-name.event-version.link`
  (a missing header is an empty string); acknowledged with 202.
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
from apps.connectors.smartrecruiters import mapping
from apps.connectors.webhooks import (
    InboundWebhook,
    WebhookEvent,
    WebhookRejected,
    WebhookReply,
    WebhookSubscription,
    WebhookTarget,
)

# The events whose records Tributary stores (SR-RB `models/event_name.rb`).
EVENTS: tuple[str, ...] = (
    "job.created",
    "job.updated",
    "job.status.updated",
    "job.ad.postings.updated",
    "application.created",
    "application.status.updated",
    "application.source.updated",
    "application.fields.updated",
    "application.attachment.created",
    "candidate.created",
    "candidate.updated",
    "candidate.deleted",
)
# assumed (the reference says what each event changes only by its name): events that change only the application
# resource (`GET /candidates/{id}/jobs/{jobId}`: status, subStatus, reasons, source) and, for a status, its status
# history (reference A6). Their targeted read takes those two calls and keeps the stored screening answers (they
# have their own events, application.screening-answers.*, reference A7) and property values (their `PUT …/properties`
# sends no event). Every other application event is read whole.
ASPECT_DETAIL = "detail"
DETAIL_EVENTS = frozenset({"application.status.updated", "application.source.updated"})
# assumed: the event version to subscribe with; the reference shows both "v201910" (signature example) and "1.0.0"
# (help-page answer) and names no list of versions.
EVENT_VERSION = "v201910"
# assumed: how old a signed delivery may be; SmartRecruiters documents no tolerance. Every attempt (a retry too)
# carries a fresh timestamp and signature.
MAX_AGE = timedelta(minutes=5)
ACKNOWLEDGED = WebhookReply(status=202)  # "we expect your service to respond with HTTP 202"


def signature(
    secret: str, *, timestamp: str, body: bytes, event_id: str, event_name: str, version: str, link: str
) -> str:
    """The `v1` signature of a delivery: HMAC-SHA256 (hex) over the six parts joined by `.`."""
    message = b".".join(
        [timestamp.encode(), body, event_id.encode(), event_name.encode(), version.encode(), link.encode()]
    )
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _timestamp(value: str) -> datetime | None:
    # assumed: epoch seconds (SR-DOC subscriptionsgeneratesecretkey: "timestamp (seconds) of request"; the
    # reference does not give the format).
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _targets(event_name: str, body: Mapping[str, Any]) -> tuple[WebhookTarget, ...]:
    if event_name.startswith("candidate.") and isinstance(body.get("id"), str):
        return (WebhookTarget(ReadModel.CANDIDATES, body["id"]),)
    if event_name.startswith("job."):  # JobWebhookPayload{id}, JobAdWebhookPayload{job_id, job_ad_id}
        job_id = body.get("id") if isinstance(body.get("id"), str) else body.get("job_id")
        return (WebhookTarget(ReadModel.JOBS, job_id),) if isinstance(job_id, str) else ()
    if event_name.startswith("application."):
        # The application alone (4 calls; 2 for DETAIL_EVENTS); its candidate only when new to us (the targeted
        # delta's rule). An application event changes none of the candidate's own fields, only its `updatedOn` and
        # the assignment status in its raw payload, which the scheduled delta brings; reading it each time would cost
        # a fifth of SmartRecruiters' 10 requests/s per change (the benchmark's 2 moves/s then outrun the budget).
        candidate_id, job_id = body.get("candidate_id"), body.get("job_id")
        if isinstance(candidate_id, str) and isinstance(job_id, str):
            aspect = ASPECT_DETAIL if event_name in DETAIL_EVENTS else None
            return (WebhookTarget(ReadModel.APPLICATIONS, mapping.application_id(candidate_id, job_id), aspect),)
    return ()


def parse(webhook: InboundWebhook, *, secret: str) -> WebhookEvent:
    headers = webhook.headers
    hook_secret = headers.get("x-hook-secret")
    if hook_secret is not None and "event-name" not in headers:
        # The activation handshake: echo the header with 200 (nothing to verify: it proves only that we answer).
        return WebhookEvent(event_type="handshake", reply=WebhookReply(200, {"X-Hook-Secret": hook_secret}))
    given = headers.get("smartrecruiters-signature", "")
    timestamp = headers.get("smartrecruiters-timestamp", "")
    if not given or not timestamp:
        raise WebhookRejected("unsigned delivery (no smartrecruiters-signature / -timestamp)")
    event_id, event_name = headers.get("event-id", ""), headers.get("event-name", "")
    expected = signature(
        secret, timestamp=timestamp, body=webhook.body, event_id=event_id, event_name=event_name,
        version=headers.get("event-version", ""), link=headers.get("link", ""),
    )  # fmt: skip
    # "$SCHEMA=$SIGNATURE_1;$SCHEMA=$SIGNATURE_2…": one per active key; any v1 match will do.
    offered = [part.strip()[3:] for part in given.split(";") if part.strip().startswith("v1=")]
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise WebhookRejected("bad smartrecruiters-signature")
    sent_at = _timestamp(timestamp)
    if sent_at is None or abs(webhook.received_at - sent_at) > MAX_AGE:
        raise WebhookRejected("stale or unreadable smartrecruiters-timestamp")
    try:
        body = json.loads(webhook.body or b"{}")
    except ValueError:
        body = {}
    return WebhookEvent(
        targets=_targets(event_name, body if isinstance(body, dict) else {}),
        event_id=event_id or None,
        event_type=event_name,
        occurred_at=sent_at,
        reply=ACKNOWLEDGED,
    )


class SmartRecruitersWebhooks:
    """Mixed into the connector: `self.client` is its API client."""

    client: Any

    def subscribe_webhooks(self, *, url: str, secret: str) -> WebhookSubscription:
        existing = [item for item in _content(self.client.get("/subscriptions")) if item.get("callbackUrl") == url]
        if existing:
            subscription = existing[0]
        else:
            subscription = self.client.request(
                "POST", "/subscriptions",
                json_body={"callbackUrl": url, "events": [{"name": name, "version": EVENT_VERSION} for name in EVENTS]},
            ).json()  # fmt: skip
        subscription_id = str(subscription["id"])
        if subscription.get("status") != "active":
            self.client.request("PUT", f"/subscriptions/{subscription_id}/activation", idempotent=True)
        key = self.client.request("POST", f"/subscriptions/{subscription_id}/secret-key").json()
        return WebhookSubscription(
            remote_ids=(subscription_id,), secret=str(key["secretKey"]), details={"status": "active", "url": url}
        )

    def unsubscribe_webhooks(self, subscription: WebhookSubscription) -> None:
        for subscription_id in subscription.remote_ids:
            try:
                self.client.request("DELETE", f"/subscriptions/{subscription_id}", idempotent=True)
            except ConnectorNotFound:
                continue

    def parse_webhook(self, webhook: InboundWebhook, *, secret: str) -> WebhookEvent:
        return parse(webhook, secret=secret)


def _content(body: Any) -> list[dict[str, Any]]:
    # assumed: `GET /subscriptions` answers the usual list envelope (`content`); a bare list is taken as well.
    if isinstance(body, dict):
        body = body.get("content", [])
    return [item for item in body if isinstance(item, dict)] if isinstance(body, list) else []
