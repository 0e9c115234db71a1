"""Ashby custom fields: `customField.list` (definitions) and `customField.setValue` (one value on one record).

Facts (reference B1/B2/B3): `customField.list` needs hiringProcessMetadataRead and pages with `syncToken`;
`customField.setValue` needs candidatesWrite; records carry `customFields: [...]`.
Assumed (the operations' schemas are not in the reference; listed in the connector's assumptions):
- a definition is `{id, title, objectType, fieldType, isPrivate, isArchived, selectableValues?: [{label, value,
  isArchived}]}`; the emulator's records take `objectType` Candidate and Application;
- `customField.setValue {objectType, objectId, fieldId, fieldValue}` (as Ashby integrations send it) sets one value
  and answers the record's entry `{id, title, value, isPrivate}`; `fieldValue: null` clears it; setting the same value
  again changes nothing;
- values by `fieldType`: Boolean true/false, Number a number, Date `YYYY-MM-DD`, String / LongText / Email / Phone a
  non-empty string, ValueSelect one selectable `value`, MultiValueSelect a list of them; other types are refused;
- an unknown or archived `fieldId` is `custom_field_not_found`, a record that does not exist `candidate_not_found` /
  `application_not_found`, anything else `invalid_input`; nothing is stored then.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from apps.connectors.ashby.emulator.state import JsonDict, Refused, State

RECORDS = {"Candidate": ("candidates", "candidate_not_found"), "Application": ("applications", "application_not_found")}
TEXT_TYPES = ("String", "LongText", "Email", "Phone")
# (id, objectType, title, fieldType, selectable values) of the seeded organisation (fixed ids: others do not move)
SEEDED = (
    ("cf000001-0000-4000-8000-000000000001", "Candidate", "Desired Salary", "Number", ()),
    ("cf000002-0000-4000-8000-000000000002", "Candidate", "Work Permit", "Boolean", ()),
    ("cf000003-0000-4000-8000-000000000003", "Application", "Referral Channel", "ValueSelect",
     ("Event", "Employee", "Online")),
    ("cf000004-0000-4000-8000-000000000004", "Application", "Earliest Start", "Date", ()),
    ("cf000005-0000-4000-8000-000000000005", "Job", "Cost Center", "String", ()),
)  # fmt: skip


def seed(state: State, at: datetime) -> None:
    for field_id, object_type, title, field_type, values in SEEDED:
        definition: JsonDict = {
            "id": field_id, "title": title, "objectType": object_type, "fieldType": field_type, "isPrivate": False,
            "isArchived": False,
        }  # fmt: skip
        if values:
            definition["selectableValues"] = [{"label": v, "value": v, "isArchived": False} for v in values]
        state.custom_fields[field_id] = definition
        state.touch("custom_fields", definition, at=at)


def _fits(definition: JsonDict, value: Any) -> bool:
    kind = definition["fieldType"]
    allowed = [v["value"] for v in definition.get("selectableValues") or () if not v.get("isArchived")]
    if kind in TEXT_TYPES:
        return isinstance(value, str) and bool(value.strip())
    if kind == "Number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "Boolean":
        return isinstance(value, bool)
    if kind == "Date":
        try:
            return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
        except ValueError:
            return False
    if kind == "ValueSelect":
        return value in allowed
    if kind == "MultiValueSelect":
        return isinstance(value, list) and bool(value) and all(item in allowed for item in value)
    return False


def set_value(state: State, body: JsonDict) -> JsonDict:
    object_type = body.get("objectType")
    if object_type not in RECORDS:
        raise Refused("invalid_input", f"objectType must be one of {', '.join(RECORDS)}")
    definition = state.custom_fields.get(body.get("fieldId")) if isinstance(body.get("fieldId"), str) else None
    if definition is None or definition["isArchived"]:
        raise Refused("custom_field_not_found", f"Custom field not found: {body.get('fieldId')}")
    resource, missing = RECORDS[object_type]
    record = state.get(resource, body.get("objectId"), missing)
    if definition["objectType"] != object_type:
        raise Refused("invalid_input", f"{definition['title']} is a custom field of {definition['objectType']}")
    if "fieldValue" not in body:
        raise Refused("invalid_input", "fieldValue is required (null clears the field)")
    value = body["fieldValue"]
    if value is not None and not _fits(definition, value):
        raise Refused("invalid_input", f"fieldValue is not a valid {definition['fieldType']} for {definition['title']}")
    entry = {"id": definition["id"], "title": definition["title"], "value": value, "isPrivate": definition["isPrivate"]}
    current = next((item for item in record["customFields"] if item["id"] == definition["id"]), None)
    if current == entry or (current is None and value is None):
        return entry  # the same value again: nothing changes
    kept = [item for item in record["customFields"] if item["id"] != definition["id"]]
    record["customFields"] = [*kept, entry] if value is not None else kept
    state.touch(resource, record)
    return entry
