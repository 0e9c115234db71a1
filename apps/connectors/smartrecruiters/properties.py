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

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from apps.connectors import custom_values
from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import CustomFieldValue
from apps.connectors.smartrecruiters.client import path

if TYPE_CHECKING:
    from apps.connectors.smartrecruiters.client import SmartRecruitersClient

JsonDict = dict[str, Any]

WARNING_NOT_A_PROPERTY = (
    "custom_fields: SmartRecruiters takes values only for its candidate properties (custom fields of "
    "applications); not written ({keys})."
)
# SmartRecruiters' property types as the shared checks' kinds (custom_values.py); others take a non-empty string.
KINDS = {"NUMBER": custom_values.NUMBER, "CURRENCY": custom_values.NUMBER, "BOOLEAN": custom_values.BOOLEAN,
         "DATE": custom_values.DATE}  # fmt: skip


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
        custom_values.check(
            value, kind=KINDS.get(kind, custom_values.TEXT), owner="SmartRecruiters' property",
            label=str(definition.get("label") or value.key), vendor_kind=kind,
        )  # fmt: skip
        body.append({"id": value.key, "value": value.value})
    if dropped:
        warnings.append(WARNING_NOT_A_PROPERTY.format(keys=", ".join(sorted(dropped))))
    return body


def put_properties(client: SmartRecruitersClient, candidate_id: str, job_id: str, body: list[JsonDict]) -> None:
    """Set the application's property values. Setting the same values again changes nothing (assumed, see the
    module docstring), so the call may be repeated."""
    client.request(
        "PUT", path("candidates", candidate_id, "jobs", job_id, "properties"), json_body=body, idempotent=True
    )
