"""The request-log seam of the HTTP seam, and secret scrubbing.

Every request `HttpClient` sends (each attempt, each redirect hop) is described once, as an `OutboundCall`, to the
registered sink. `apps.integrations` registers the sink that stores these rows (the request log) at start-up, so
this package needs no import of it. Everything in an `OutboundCall` is already scrubbed of secrets (`scrub`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from apps.core.logging import redact

logger = logging.getLogger("apps.connectors.http")  # the seam's logger, as before the split

REDACTED = "[redacted]"
BODY_EXCERPT_BYTES = 4096


@dataclass(frozen=True)
class OutboundCall:
    started_at: float  # epoch seconds (the client's clock)
    rate_key: str  # the integration id the client works for
    method: str
    path: str  # path and query, secret values redacted
    status: int | None  # None: no answer (refused, dropped, timed out)
    duration: float  # seconds, sending to the end of the body
    attempt: int  # 1 for the first attempt of a logical request
    rate_limit_wait: float  # seconds spent waiting for the rate limiter before sending
    body_excerpt: str  # the first 4 KB of a non-2xx answer, scrubbed; "" for 2xx
    error: str = ""  # what went wrong without an answer, scrubbed


CallSink = Callable[[OutboundCall], None]
_call_sinks: list[CallSink] = []


def call_sink_register(sink: CallSink | None) -> None:
    """Where `OutboundCall`s go (one sink; None removes it). Called from `IntegrationsConfig.ready`."""
    _call_sinks[:] = [sink] if sink is not None else []


def emit(call: OutboundCall) -> None:
    for sink in _call_sinks:
        try:
            sink(call)
        except Exception:  # a broken log must never break a request
            logger.exception("the request log sink failed")


def scrub(text: str, secrets: Sequence[str] = ()) -> str:
    """`text` without the `secrets` (credential values of four characters or more) and without anything
    `apps.core.logging.redact` recognises (auth headers, key-like query parameters)."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return redact(text)


def logged_path(url: str, params: Mapping[str, Any], secret_params: set[str], secrets: Sequence[str] = ()) -> str:
    """The path and query of a request as the request log keeps it: secret parameters' values redacted."""
    parts = urlsplit(url)
    query = [
        (key, REDACTED if key in secret_params else value)
        for key, values in params.items()
        for value in (values if isinstance(values, list | tuple) else [values])
    ]
    joined = "&".join(part for part in (parts.query, urlencode(query, safe="[]:,")) if part)
    return scrub(f"{parts.path or '/'}{'?' + joined if joined else ''}", secrets)
