"""`apps.core.bulk`: a few rows go in one INSERT / UPDATE statement, more through COPY; both store the same."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import DataError, connection
from django.test.utils import CaptureQueriesContext

from apps.applications.models import Candidate
from apps.core.bulk import FEW_ROWS, JsonText, bulk_insert, bulk_update
from apps.core.ids import new_id
from apps.integrations.models import Integration

WHEN = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def _rows(integration: Integration, count: int) -> list[dict[str, object]]:
    return [
        {
            "id": new_id(), "integration_id": integration.id, "remote_id": f"cand-{number}", "changed_at": WHEN,
            "first_name": f"Ada {number}", "email_addresses": [{"email_address": f"ada.{number}@example.com"}],
            "custom_fields": JsonText('{"b": 2, "a": [1, null]}'), "remote_data": None,
        }
        for number in range(count)
    ]  # fmt: skip


def _stored(ids: list[str]) -> list[tuple[object, ...]]:
    return list(
        Candidate.objects.filter(id__in=ids)
        .order_by("remote_id")
        .values_list("remote_id", "first_name", "email_addresses", "custom_fields", "remote_data", "changed_at")
    )


@pytest.mark.parametrize("count", [1, FEW_ROWS, FEW_ROWS + 1])
def test_inserted_rows_read_back_the_same_in_either_path(integration: Integration, count: int) -> None:
    rows = _rows(integration, count)

    with CaptureQueriesContext(connection) as captured:
        bulk_insert(Candidate, rows)

    # one INSERT statement for a few rows; COPY (not in Django's query log) for more
    assert len(captured) == (1 if count <= FEW_ROWS else 0)
    stored = _stored([str(row["id"]) for row in rows])
    assert len(stored) == count
    assert stored[0] == (
        "cand-0", "Ada 0", [{"email_address": "ada.0@example.com"}], {"a": [1, None], "b": 2}, None, WHEN,
    )  # fmt: skip
    assert Candidate.objects.get(id=rows[0]["id"]).integration_fields == []  # a field left out: its model default


@pytest.mark.parametrize("count", [1, FEW_ROWS + 1])
def test_updated_rows_read_back_the_same_in_either_path(integration: Integration, count: int) -> None:
    rows = _rows(integration, count)
    bulk_insert(Candidate, rows)
    later = datetime(2026, 2, 3, tzinfo=UTC)

    changes = {"first_name": "Grace", "custom_fields": {"c": "ü"}, "remote_data": [1], "changed_at": later}

    bulk_update(Candidate, [{"id": row["id"], **changes} for row in rows], list(changes))

    assert _stored([str(row["id"]) for row in rows]) == [
        (f"cand-{number}", "Grace", [{"email_address": f"ada.{number}@example.com"}], {"c": "ü"}, [1], later)
        for number in sorted(range(count), key=lambda number: f"cand-{number}")
    ]


def test_an_update_too_long_for_its_column_is_refused_not_cut(integration: Integration) -> None:
    rows = _rows(integration, 1)
    bulk_insert(Candidate, rows)

    # the VALUES list casts to varchar without its length, so the column's own limit applies
    with pytest.raises(DataError):
        bulk_update(Candidate, [{"id": rows[0]["id"], "content_hash": "x" * 65}], ["content_hash"])
