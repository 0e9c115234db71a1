"""Small pure helpers every connector's `mapping.py` uses on raw vendor values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.core.timeutils import parse_datetime


def dt(value: Any) -> datetime | None:
    """An ISO-8601 timestamp string (`2024-08-19T14:30:00.000Z`, offsets) as an aware datetime; None when absent
    or unreadable (a vendor's bad timestamp never fails a whole page)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None
