"""A create's `custom_fields` written as SmartRecruiters candidate properties, which are per application.

`PUT /candidates/{id}/jobs/{jobId}/properties` and `GET /configuration/candidate-properties` are in the reference's
endpoint map (ats-smartrecruiters-factorial.md A3, "candidate properties"; `candidates_manage` edits them, A2). The
body, the answer and the value kinds are NOT FOUND there and assumed (emulator/property_values.py has the same
assumptions, listed in `assumptions.py`): a JSON array `[{"id": propertyId, "value": value}]` that sets those
properties only (so it may be repeated); TEXT and SINGLE_SELECT take a string, NUMBER and CURRENCY a number, BOOLEAN
true/false, DATE `YYYY-MM-DD`. Values are checked against the company's definitions before the create is sent, so a
value SmartRecruiters would refuse fails the whole create (400 naming the request's key) instead of leaving an
application without it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import CustomFieldValue
from apps.connectors.errors import ConnectorInputError
from apps.connectors.smartrecruiters.client import path

if TYPE_CHECKING:
    from apps.connectors.smartrecruiters.client import SmartRecruitersClient

JsonDict = dict[str, Any]

WARNING_NOT_A_PROPERTY = (
    "custom_fields: SmartRecruiters takes values only for its candidate properties (custom fields of "
    "applications); not written ({keys})."
)
MESSAGE_BAD_VALUE = "custom_fields.{name}: SmartRecruiters' property “{label}” ({kind}) takes {expected}; got {value}."
EXPECTED = {"NUMBER": "a number", "CURRENCY": "a number", "BOOLEAN": "true or false", "DATE": "a date (YYYY-MM-DD)"}


def _fits(kind: str, value: Any) -> bool:
    match kind:
        case "NUMBER" | "CURRENCY":
            return isinstance(value, int | float) and not isinstance(value, bool)
        case "BOOLEAN":
            return isinstance(value, bool)
        case "DATE":
            if not isinstance(value, str):
                return False
            try:
                return date.fromisoformat(value).isoformat() == value
            except ValueError:
                return False
        case _:  # TEXT, SINGLE_SELECT and kinds we do not know: a non-empty string
            return isinstance(value, str) and bool(value.strip())


def definitions(client: SmartRecruitersClient) -> dict[str, JsonDict]:
    """The company's candidate properties by id (`GET /configuration/candidate-properties`)."""
    body = client.get("/configuration/candidate-properties")
    items = body.get("content") if isinstance(body, dict) else None
    return {item["id"]: item for item in items or [] if isinstance(item, dict) and isinstance(item.get("id"), str)}


def property_body(
    client: SmartRecruitersClient, values: Sequence[CustomFieldValue], warnings: list[str]
) -> list[JsonDict]:
    """The PUT body for the values that are candidate properties; ConnectorInputError naming the first value that
    does not fit its property; the other values (mapped to standard fields, or to a property deleted meanwhile)
    named in a warning."""
    if not values:
        return []
    defined = definitions(client)
    body: list[JsonDict] = []
    dropped: list[str] = []
    for value in values:
        definition = defined.get(value.key) if value.model == ReadModel.APPLICATIONS.value else None
        if definition is None:
            dropped.append(value.name or value.key)
            continue
        kind = str(definition.get("type") or "TEXT")
        if not _fits(kind, value.value):
            raise ConnectorInputError(
                MESSAGE_BAD_VALUE.format(
                    name=value.name or value.key, label=definition.get("label") or value.key, kind=kind,
                    expected=EXPECTED.get(kind, "a non-empty string"), value=_shown(value.value),
                ),
                status_code=400,
            )  # fmt: skip
        body.append({"id": value.key, "value": value.value})
    if dropped:
        warnings.append(WARNING_NOT_A_PROPERTY.format(keys=", ".join(sorted(dropped))))
    return body


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)[:80]


def put_properties(client: SmartRecruitersClient, candidate_id: str, job_id: str, body: list[JsonDict]) -> None:
    """Set the application's property values. Setting the same values again changes nothing (assumed, see the
    module docstring), so the call may be repeated."""
    client.request(
        "PUT", path("candidates", candidate_id, "jobs", job_id, "properties"), json_body=body, idempotent=True
    )
