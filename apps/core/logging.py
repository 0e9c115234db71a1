"""Log redaction: secrets never reach a log line, whatever a caller formats into it."""

from __future__ import annotations

import logging
import re

_PATTERNS = [
    re.compile(r"(?i)(authorization:\s*(?:bearer|basic)\s+)[^\s'\"]+"),
    re.compile(
        r"(?i)((?:x-smarttoken|x-api-key|api[_-]?key|access_token|refresh_token|client_secret|password)"
        r"['\"]?\s*[:=]\s*['\"]?)[^\s'\",&}]+"
    ),
]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
