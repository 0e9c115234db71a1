from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from apps.core.timeutils import format_datetime, parse_datetime


@pytest.mark.parametrize(
    ("_case", "value", "expected"),
    [
        ("utc with micros", datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC), "2024-05-01T12:00:00.123Z"),
        ("offset", datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))), "2024-05-01T12:00:00.000Z"),
        ("naive is utc", datetime(2024, 5, 1, 12, 0), "2024-05-01T12:00:00.000Z"),  # noqa: DTZ001
        ("none", None, None),
    ],
)
def test_format_datetime(_case: str, value: datetime | None, expected: str | None) -> None:
    assert format_datetime(value) == expected


@pytest.mark.parametrize(
    ("_case", "text", "expected"),
    [
        ("zulu", "2024-05-01T12:00:00.000Z", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("offset", "2024-05-01T14:00:00+02:00", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("naive", "2024-05-01T12:00:00", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("date only", "2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
    ],
)
def test_parse_datetime(_case: str, text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "", "2024-13-01", "12:00"])
def test_parse_datetime_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        parse_datetime(text)
