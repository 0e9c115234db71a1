"""Teamtailor's JSON:API error bodies made into our typed errors, with the vendor's own words.

Teamtailor answers `{"errors": [{"status", "title", "detail", "source": {"pointer"}}]}` and its official client
reads `errors[0].detail` (T-RB, reference B8); the shared HTTP seam looks for `message`, so the client asks the seam
for the raw answer (`raise_for_status=False`) and builds the error here. Because the seam does not retry an answer
it hands back raw, the retry rules of the seam are applied here the same way: a 429 is re-sent after its
Retry-After (Teamtailor did not act on it), a 5xx only for a read.
"""

from __future__ import annotations

import json
import random

from apps.connectors.errors import ConnectorError, ConnectorRateLimited
from apps.connectors.http import IDEMPOTENT_METHODS, HttpResponse, RetryPolicy, error_for_status, parse_retry_after
from apps.core.logging import redact

REMOTE_MESSAGE_LIMIT = 500


def jsonapi_detail(content: bytes) -> str | None:
    """`detail` (else `title`) of every error, prefixed by the attribute its `source.pointer` names."""
    try:
        body = json.loads(content)
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return None
    texts: list[str] = []
    for item in errors:
        if not isinstance(item, dict):
            continue
        text = item.get("detail") or item.get("title")
        if not isinstance(text, str) or not text.strip():
            continue
        pointer = (item.get("source") or {}).get("pointer") if isinstance(item.get("source"), dict) else None
        attribute = str(pointer).rsplit("/", 1)[-1] if pointer else ""
        text = text.strip()
        named = not attribute or attribute == "data" or text.lower().startswith(attribute.lower())
        texts.append(text if named else f"{attribute}: {text}")
    return "; ".join(texts)[:REMOTE_MESSAGE_LIMIT] or None


def jsonapi_error(response: HttpResponse, *, now: float, secrets: tuple[str, ...] = ()) -> ConnectorError:
    def scrub(text: str) -> str:
        for secret in secrets:
            if secret and len(secret) >= 4:
                text = text.replace(secret, "[redacted]")
        return redact(text)

    retry_after = parse_retry_after(response.headers.get("Retry-After"), now=now)
    error = error_for_status(
        response.method, response.url, response.status_code, response.content, retry_after=retry_after, scrub=scrub
    )
    detail = jsonapi_detail(response.content)
    if detail:
        error.remote_message = scrub(detail)
    return error


def retry_wait(error: ConnectorError, *, method: str, attempt: int, policy: RetryPolicy) -> float | None:
    """Seconds to wait before sending again, or None to give up (the seam's rules for answered requests)."""
    if attempt >= policy.max_attempts or not error.retryable:
        return None
    if isinstance(error, ConnectorRateLimited):
        wait = error.retry_after if error.retry_after is not None else _backoff(attempt, policy)
        return wait if wait <= policy.max_wait else None
    if method.upper() not in IDEMPOTENT_METHODS:
        return None  # a write the ATS answered 5xx to may have been done: never re-sent blindly
    return _backoff(attempt, policy)


def _backoff(attempt: int, policy: RetryPolicy) -> float:
    base = policy.backoff * (2 ** (attempt - 1))
    return min(policy.max_wait, base + random.uniform(0, base / 2))  # noqa: S311 - jitter, not crypto
