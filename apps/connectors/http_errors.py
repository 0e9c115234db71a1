"""A non-2xx answer as the typed `ConnectorError` the sync engine and the API expect, and the waits an ATS asks for
(`Retry-After`, `X-RateLimit-Reset`). Public so connectors with odd APIs can reuse the mapping."""

from __future__ import annotations

import email.utils
import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from apps.connectors.errors import (
    ConnectorAuthError,
    ConnectorError,
    ConnectorInputError,
    ConnectorNotFound,
    ConnectorPermissionError,
    ConnectorRateLimited,
    ConnectorUnavailable,
)
from apps.core.logging import redact

_REMOTE_MESSAGE_LIMIT = 500


def _path_of(url: str) -> str:
    return urlsplit(url).path or "/"


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if parsed is None:
        return None
    return max(0.0, parsed.timestamp() - now)


def parse_rate_limit_reset(headers: Mapping[str, str], *, now: float) -> float | None:
    """Seconds until `X-RateLimit-Reset` (Workable: `X-Rate-Limit-Reset`), which vendors send as epoch seconds or as
    seconds from now."""
    raw = headers.get("X-RateLimit-Reset") or headers.get("RateLimit-Reset") or headers.get("X-Rate-Limit-Reset")
    if not raw:
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    # Anything past 2001 as an epoch timestamp is a point in time; small numbers are a duration.
    return max(0.0, value - now) if value > 1_000_000_000 else max(0.0, value)


def _remote_message(content: bytes) -> str | None:
    """The ATS's own error text, if its body says something readable."""
    if not content:
        return None
    try:
        body = json.loads(content)
    except ValueError:
        text = content.decode("utf-8", errors="replace").strip()
        return text[:_REMOTE_MESSAGE_LIMIT] or None
    candidates: list[Any] = []
    if isinstance(body, dict):
        summary, details = body.get("message"), body.get("errors")
        first = details[0] if isinstance(details, list) and details else None
        detail = first.get("message") if isinstance(first, dict) else None
        if isinstance(summary, str) and summary.strip() and isinstance(detail, str) and detail.strip():
            # `{"message": "Validation failed", "errors": [{"code", "message": "email: …"}]}` (SmartRecruiters'
            # ErrorResponse): the summary alone says nothing about what to fix.
            if detail.strip() != summary.strip():
                return f"{summary.strip()}: {detail.strip()}"[:_REMOTE_MESSAGE_LIMIT]
        candidates = [body.get("message"), body.get("error_description"), body.get("error"), body.get("errors")]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()[:_REMOTE_MESSAGE_LIMIT]
        if isinstance(candidate, dict) and isinstance(candidate.get("message"), str):
            return candidate["message"][:_REMOTE_MESSAGE_LIMIT]
        if isinstance(candidate, list) and candidate:
            first = candidate[0]
            if isinstance(first, dict) and isinstance(first.get("message"), str):
                return first["message"][:_REMOTE_MESSAGE_LIMIT]
            if isinstance(first, str):
                return first[:_REMOTE_MESSAGE_LIMIT]
    return None


def error_for_status(
    method: str,
    url: str,
    status: int,
    content: bytes,
    *,
    retry_after: float | None = None,
    scrub: Callable[[str], str] = redact,
) -> ConnectorError:
    """The typed error for a non-2xx answer. Public so connectors with odd APIs can reuse the mapping."""
    remote = _remote_message(content)
    remote = scrub(remote) if remote else None
    where = f"{method} {scrub(_path_of(url))}"
    kwargs: dict[str, Any] = {"status_code": status, "remote_message": remote}
    if status == 401:
        return ConnectorAuthError(f"{where}: the ATS rejected the credentials (401).", **kwargs)
    if status == 403:
        return ConnectorPermissionError(f"{where}: the credentials lack a permission (403).", **kwargs)
    if status == 404:
        return ConnectorNotFound(f"{where}: not found (404).", **kwargs)
    if status == 429:
        return ConnectorRateLimited(f"{where}: rate limited (429).", retry_after=retry_after, **kwargs)
    if status >= 500:
        return ConnectorUnavailable(f"{where}: the ATS failed ({status}).", **kwargs)
    if status in (400, 409, 422):
        return ConnectorInputError(f"{where}: the ATS refused the request ({status}).", **kwargs)
    return ConnectorError(f"{where}: unexpected answer ({status}).", **kwargs)
