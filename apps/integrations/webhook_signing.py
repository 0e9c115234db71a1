"""Signatures of outgoing webhooks: `X-Kombo-Signature` and the Standard Webhooks headers.

- `X-Kombo-Signature`: HMAC-SHA256 of the raw body, keyed with the endpoint secret as UTF-8 text, encoded
  base64url without padding (Kombo's receivers compute `createHmac('sha256', secret).update(body).digest('base64url')`).
- Standard Webhooks (https://www.standardwebhooks.com/, spec "Signature scheme"): `webhook-id` (the event id, the
  same on every retry), `webhook-timestamp` (epoch seconds of this attempt) and `webhook-signature`
  (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the base64-decoded part of the secret after
  `whsec_`).

While a rotated secret still overlaps, each header carries one signature per secret: X-Kombo-Signature as
`<new>,<old>` (base64url never contains a comma), webhook-signature space-separated as the spec allows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def kombo_signature(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_headers(
    signing_secrets: Sequence[str], *, message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The four signature headers of one attempt, signed with every secret in `signing_secrets` (newest first)."""
    return {
        "X-Kombo-Signature": ",".join(kombo_signature(secret, body) for secret in signing_secrets),
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            standard_signature(secret, message_id, timestamp, body) for secret in signing_secrets
        ),
    }
