"""Datetimes on the wire: `YYYY-MM-DDTHH:mm:ss.sssZ` out, lenient ISO-8601 in."""

from __future__ import annotations

from datetime import UTC, date, datetime


def format_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_datetime(value: str) -> datetime:
    """Parse ISO-8601 (with `Z`, an offset, no zone = UTC, or a bare date). Raises ValueError."""
    text = value.strip()
    if not text:
        raise ValueError("empty datetime")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = datetime.combine(date.fromisoformat(text), datetime.min.time())
    # In UTC: PostgreSQL takes offsets up to ±15:59 only, Python's go to ±23:59 (an `updated_after` with +19:18
    # failed in the database, found by schemathesis).
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(tz=UTC)
