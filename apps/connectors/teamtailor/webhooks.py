"""Teamtailor company webhooks, connector side (reference B7; T-PART `company_webhooks/_signatures`).

The end user sets them up by hand in *Settings > Integrations > Webhooks* (`WebhookSetup.MANUAL`): our URL, the
events below, signature version **v2**; Teamtailor generates the signature key, which is the secret here.
`TT-Signature` (also the body's `signature`) is base64 of `t=<unix>,v2=<hex HMAC-SHA256(key, "<t>.<payload>")>`,
`<payload>` being the body's `payload` object serialised as T-PART's examples do: `JSON.stringify` (JavaScript)
or `json_encode` (PHP); both are accepted. v1 signatures (deprecated) sign only the record id, with no time, so
a replay could never be told from a delivery: they are refused, and the page says to choose v2.

Teamtailor sends no event id and does not retry ("There is no retry mechanism"): a delivery's signature (its
time and HMAC) is its event id, so the same delivery sent again is a replay the platform skips.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from apps.connectors.catalog import ReadModel
from apps.connectors.webhooks import InboundWebhook, WebhookEvent, WebhookRejected, WebhookTarget

WEBHOOK_EVENTS: tuple[str, ...] = (
    "candidate.create",
    "candidate.update",
    "candidate.destroy",
    "job.create",
    "job.update",
    "job.destroy",
    "job_application.create",
    "job_application.update",
    "job_application.destroy",
)
# Shown on the connection flow's done page and the admin, with the URL and the field for the generated key
# (German in locale/de).
SETUP_GUIDE = (
    "In Teamtailor open **Settings → Integrations → Webhooks** and choose **Add webhook**. Paste the URL above, "
    "select the events `candidate.*`, `job.*` and `job_application.*` and choose signature version **v2**. "
    "Teamtailor then shows a signature key: copy it into the field below."
)
SIGNATURE_HEADER = "tt-signature"
# assumed: Teamtailor documents no tolerance for the signed time; deliveries more than 5 minutes from our clock
# (either way) are refused as stale.
TOLERANCE = timedelta(minutes=5)
MODELS = {"candidate": ReadModel.CANDIDATES, "job": ReadModel.JOBS, "job_application": ReadModel.APPLICATIONS}


def parse(webhook: InboundWebhook, *, secret: str) -> WebhookEvent:
    header = webhook.headers.get(SIGNATURE_HEADER, "").strip()
    if not header:
        raise WebhookRejected("missing TT-Signature")
    timestamp, digest = _v2_parts(header)
    body = _json(webhook.body)
    payload = body.get("payload")
    if not isinstance(payload, dict):
        raise WebhookRejected("the body has no payload object")
    if not any(
        hmac.compare_digest(digest, _hmac(secret, f"{timestamp}.{signed}")) for signed in _serialisations(payload)
    ):
        raise WebhookRejected("TT-Signature does not match the payload")
    occurred_at = datetime.fromtimestamp(timestamp, UTC)
    if abs(webhook.received_at - occurred_at) > TOLERANCE:
        raise WebhookRejected("TT-Signature time is outside the tolerance (stale or replayed)")
    event = str(payload.get("event_name") or "")
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    model = MODELS.get(event.split(".", 1)[0])
    record_id = str(data.get("id") or "")
    targets = (WebhookTarget(model, record_id),) if model is not None and record_id else ()
    return WebhookEvent(
        targets=targets,
        event_id="tt-" + hashlib.sha256(header.encode()).hexdigest()[:32],
        event_type=event,
        occurred_at=occurred_at,
    )


def _v2_parts(header: str) -> tuple[int, str]:
    try:
        decoded = base64.b64decode(header, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        raise WebhookRejected("TT-Signature is not base64") from None
    parts = dict(part.split("=", 1) for part in decoded.split(",") if "=" in part)
    if "v2" not in parts or "t" not in parts:
        raise WebhookRejected("not a v2 TT-Signature (v1 is deprecated and unsigned in time: choose v2)")
    if not parts["t"].isdigit():
        raise WebhookRejected("TT-Signature has no valid time")
    return int(parts["t"]), parts["v2"].strip().lower()


def _serialisations(payload: dict[str, Any]) -> tuple[str, ...]:
    javascript = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    # PHP's json_encode escapes "/" and non-ASCII characters by default.
    php = json.dumps(payload, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/")
    return (javascript, php) if php != javascript else (javascript,)


def _hmac(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def _json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except ValueError:
        raise WebhookRejected("the body is not JSON") from None
    if not isinstance(value, dict):
        raise WebhookRejected("the body is not a JSON object")
    return value
