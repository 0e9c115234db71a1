"""Factorial webhooks: `api_public/webhook_subscriptions`, the `x-factorial-wh-challenge` check, full-resource bodies.

Facts: /work/shared/reference/ats-smartrecruiters-factorial.md B7 (F-SDK models and `webhooks.py`; F-REPO
`manage-webhooks.md`, `webhooks-policies.md`):
- `POST …/api_public/webhook_subscriptions {subscription_type, target_url, company_id, name, challenge, enabled,
  api_version}` (required: subscription_type, target_url, company_id) → 201 `{id, target_url, type, …}`; one
  subscription per type; `GET …?type=&company_id=&enabled=&id=`, `PUT …/{id} {"enabled"}`, `DELETE …/{id}`;
- a delivery: POST, the resource object itself as the body (no `{type, data}` envelope), header
  `x-factorial-wh-challenge: <challenge>`; no signing secret or HMAC exists, no event id, no timestamp. The
  challenge we set is our secret, so a delivery is authentic when the header equals it (compared in constant time);
  a missing or wrong header is refused. Factorial sends no event id or timestamp, so a replay cannot be told apart:
  it only makes the platform read the named record again, which changes nothing.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from apps.connectors.catalog import ReadModel
from apps.connectors.errors import ConnectorNotFound
from apps.connectors.factorial.paths import CREDENTIALS
from apps.connectors.webhooks import (
    InboundWebhook,
    WebhookEvent,
    WebhookRejected,
    WebhookSubscription,
    WebhookTarget,
)

SUBSCRIPTIONS = "/api_public/webhook_subscriptions"
CHALLENGE_HEADER = "x-factorial-wh-challenge"
API_VERSION = "2026-10-01"  # determines the payload schema (B7); the one the connector reads
# The ATS subscription types whose records Tributary stores (F-SDK `webhooks.py` catalogue).
EVENTS: tuple[str, ...] = (
    "ats/application/create",
    "ats/application/update",
    "ats/application/delete",
    "ats/candidate/create",
    "ats/candidate/update",
    "ats/candidate/delete",
    "ats/job_posting/create",
    "ats/job_posting/update",
    "ats/job_posting/delete",
)


def _identifier(value: Any) -> str | None:
    return str(value) if isinstance(value, int | str) and str(value) else None


def _targets(body: dict[str, Any]) -> tuple[WebhookTarget, ...]:
    """The records a body names. The body carries no type: the resource is told by its shape (assumed: an
    AtsApplication has `ats_candidate_id` and `ats_job_posting_id`, an AtsCandidate `first_name`/`last_name`, an
    AtsJobPosting `title`; each its `id`)."""
    record_id = _identifier(body.get("id"))
    if record_id is None:
        return ()
    if "ats_job_posting_id" in body and "ats_candidate_id" in body:
        targets = [WebhookTarget(ReadModel.APPLICATIONS, record_id)]
        candidate_id = _identifier(body.get("ats_candidate_id"))
        if candidate_id is not None:
            targets.append(WebhookTarget(ReadModel.CANDIDATES, candidate_id))
        return tuple(targets)
    if "first_name" in body and "last_name" in body:
        return (WebhookTarget(ReadModel.CANDIDATES, record_id),)
    if "title" in body:
        return (WebhookTarget(ReadModel.JOBS, record_id),)
    return ()


def parse(webhook: InboundWebhook, *, secret: str) -> WebhookEvent:
    given = webhook.headers.get(CHALLENGE_HEADER)
    if not given:
        raise WebhookRejected("no x-factorial-wh-challenge header")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        raise WebhookRejected("wrong x-factorial-wh-challenge")
    try:
        body = json.loads(webhook.body or b"{}")
    except ValueError:
        body = {}
    targets = _targets(body) if isinstance(body, dict) else ()
    kind = targets[0].model.value if targets else "unknown"
    return WebhookEvent(targets=targets, event_type=f"factorial:{kind}")


class FactorialWebhooks:
    """Mixed into the connector: `self.client` is its API client (paths under `/api/<version>/resources`)."""

    client: Any

    def _company_id(self) -> int:
        body = self.client.get(CREDENTIALS)
        data = body.get("data") if isinstance(body, dict) else None
        credential = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
        return int(credential["company_id"])

    def subscribe_webhooks(self, *, url: str, secret: str) -> WebhookSubscription:
        company_id = self._company_id()
        # assumed: the list answers the usual `{data, meta}` envelope
        listed = self.client.get(SUBSCRIPTIONS, {"company_id": company_id})
        existing = {
            item.get("type"): item
            for item in (listed.get("data", []) if isinstance(listed, dict) else listed or [])
            if isinstance(item, dict) and item.get("target_url") == url
        }
        ids: list[str] = []
        for event in EVENTS:
            item = existing.get(event)
            if item is not None and item.get("challenge") not in (None, secret):
                # assumed: a challenge cannot be changed by PUT (only `enabled` is documented): replace it
                self.client.request("DELETE", f"{SUBSCRIPTIONS}/{item['id']}", idempotent=True)
                item = None
            if item is None:
                item = self.client.post(
                    SUBSCRIPTIONS,
                    {
                        "subscription_type": event, "target_url": url, "company_id": company_id,
                        "name": f"Tributary {event}", "challenge": secret, "enabled": True, "api_version": API_VERSION,
                    },
                )  # fmt: skip
            elif not item.get("enabled"):  # Factorial disables a subscription after 20 failed attempts
                item = self.client.put(f"{SUBSCRIPTIONS}/{item['id']}", {"enabled": True})
            ids.append(str(item["id"]))
        return WebhookSubscription(remote_ids=tuple(ids), details={"company_id": str(company_id), "url": url})

    def unsubscribe_webhooks(self, subscription: WebhookSubscription) -> None:
        for subscription_id in subscription.remote_ids:
            try:
                self.client.request("DELETE", f"{SUBSCRIPTIONS}/{subscription_id}", idempotent=True)
            except ConnectorNotFound:
                continue

    def parse_webhook(self, webhook: InboundWebhook, *, secret: str) -> WebhookEvent:
        return parse(webhook, secret=secret)
