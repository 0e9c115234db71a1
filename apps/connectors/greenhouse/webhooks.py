"""Greenhouse web hooks, connector side (reference ats-greenhouse-lever.md A7).

Greenhouse has no registration API for web hooks (v3 webhook paths NOT FOUND; they are created in Configure →
Dev Center → Web Hooks, one event per hook): `WebhookSetup.MANUAL`, the flow shows the URL and the secret.
Verification: `Signature: sha256 <hex>` = HMAC-SHA256(secret, raw body) — over the bytes as received (Greenhouse
Unicode-escapes `<`, `>`, so a re-serialised body would not match). `Greenhouse-Event-ID` names the delivery.
Greenhouse signs no timestamp, so freshness cannot be checked; a replay repeats an event id the platform has
already processed (and at worst re-reads the current state of the records it names).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from apps.connectors.catalog import ReadModel
from apps.connectors.webhooks import InboundWebhook, WebhookEvent, WebhookRejected, WebhookTarget

SIGNATURE_HEADER = "signature"
EVENT_ID_HEADER = "greenhouse-event-id"
# The events a Tributary hook is created for (GH-V3-SPEC `webhook.event_action_type`): everything that changes an
# application, a candidate or a job we sync.
EVENTS = (
    "new_candidate_application", "candidate_stage_change", "hire_candidate", "unhire_candidate", "reject_candidate",
    "unreject_candidate", "application_updated", "delete_application", "update_candidate", "delete_candidate",
    "merge_candidate", "candidate_anonymized", "job_created", "job_updated", "job_deleted",
)  # fmt: skip
# Shown on the connection flow's done page and the admin with the URL and our secret (German in locale/de).
SETUP_GUIDE = (
    "In Greenhouse open **Configure → Dev Center → Web Hooks**. Greenhouse takes one event per web hook: for each "
    "event below create one with the name *Tributary*, the URL above as **Endpoint URL** and the secret above as "
    "**Secret key**. Greenhouse pings the URL when you save; a web hook whose ping failed is created disabled. "
    "Events: " + ", ".join(f"`{event}`" for event in EVENTS) + "."
)


def verify(webhook: InboundWebhook, secret: str) -> None:
    header = webhook.headers.get(SIGNATURE_HEADER, "").strip()
    scheme, _, digest = header.partition(" ")
    if scheme.lower() != "sha256" or not digest:
        raise WebhookRejected("missing or malformed Signature header")
    expected = hmac.new(secret.encode(), webhook.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, digest.strip().lower()):
        raise WebhookRejected("signature mismatch")


def _id(record: Any) -> str | None:
    if isinstance(record, dict) and record.get("id") is not None:
        return str(record["id"])
    return None


def targets(action: str, payload: dict[str, Any]) -> tuple[WebhookTarget, ...]:
    found: list[WebhookTarget] = []

    def add(model: ReadModel, remote_id: Any) -> None:
        if remote_id is not None and WebhookTarget(model, str(remote_id)) not in found:
            found.append(WebhookTarget(model, str(remote_id)))

    application = payload.get("application")
    if isinstance(application, dict):
        add(ReadModel.APPLICATIONS, _id(application))
        add(ReadModel.CANDIDATES, _id(application.get("candidate")) or application.get("candidate_id"))
    candidate = payload.get("candidate")
    if isinstance(candidate, dict):
        add(ReadModel.CANDIDATES, _id(candidate))
        for row in candidate.get("applications") or ():
            add(ReadModel.APPLICATIONS, _id(row))
        for application_id in candidate.get("application_ids") or ():
            add(ReadModel.APPLICATIONS, application_id)
    job = payload.get("job")
    if isinstance(job, dict) and action.startswith("job_"):
        add(ReadModel.JOBS, _id(job))
    return tuple(found)


def parse(webhook: InboundWebhook, *, secret: str) -> WebhookEvent:
    if not secret:
        raise WebhookRejected("no secret configured")
    verify(webhook, secret)
    try:
        body = json.loads(webhook.body)
    except ValueError:
        raise WebhookRejected("body is not JSON") from None
    if not isinstance(body, dict):
        raise WebhookRejected("body is not a JSON object")
    action = str(body.get("action") or "")
    payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
    return WebhookEvent(
        targets=() if action == "ping" else targets(action, payload),
        event_id=webhook.headers.get(EVENT_ID_HEADER) or None,
        event_type=action,
    )
