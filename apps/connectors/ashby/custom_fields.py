"""Ashby custom fields: the integration fields (standard payload keys and the organisation's custom fields) and a
create's `custom_fields` values written with `customField.setValue` once the candidate and application exist.

`customField.list` (hiringProcessMetadataRead) and `customField.setValue` (candidatesWrite) are in the reference
(B1/B3); their schemas are assumed as the emulator's (emulator/custom_fields.py): definitions `{id, title,
objectType, fieldType, selectableValues}`, `setValue {objectType, objectId, fieldId, fieldValue}`, records'
`customFields: [{id, title, value}]`. Values are checked against the field's type before anything is created.
A candidate that existed keeps the values it holds: a candidate field is written only where it is empty (or holds
that value already), so a resumed create writes nothing twice and an existing profile is never overwritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from apps.connectors import custom_values
from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import CustomFieldValue, RemoteFieldDefinition
from apps.connectors.errors import ConnectorPermissionError
from apps.connectors.fields import standard_fields

Raw = dict[str, Any]
JOBS, CANDIDATES, APPLICATIONS = ReadModel.JOBS.value, ReadModel.CANDIDATES.value, ReadModel.APPLICATIONS.value
MODELS = {"Job": JOBS, "Candidate": CANDIDATES, "Application": APPLICATIONS}  # a definition's `objectType`
KINDS = {
    "String": custom_values.TEXT, "LongText": custom_values.TEXT, "Email": custom_values.TEXT,
    "Phone": custom_values.TEXT, "Number": custom_values.NUMBER, "Boolean": custom_values.BOOLEAN,
    "Date": custom_values.DATE, "ValueSelect": custom_values.SELECT, "MultiValueSelect": custom_values.MULTI_SELECT,
}  # fmt: skip
JOB_FIELDS = {"status": "Status", "employmentType": "Employment type", "customRequisitionId": "Requisition ID"}
CANDIDATE_FIELDS = {"company": "Company", "position": "Position", "school": "School", "source.title": "Source"}
APPLICATION_FIELDS = {"status": "Status", "currentInterviewStage.title": "Stage", "source.title": "Source"}

WARNING_NOT_CUSTOM = (
    "custom_fields: Ashby takes values only for its candidate and application custom fields; not written ({keys})."
)
WARNING_UNSUPPORTED = (
    "custom_fields: Tributary does not write Ashby custom fields of the types currency, ranges, scores and social "
    "links; not written ({keys})."
)
WARNING_KEPT = "custom_fields: the existing Ashby candidate holds other values, which were kept; not written ({keys})."


def definitions(client: Any) -> list[Raw]:
    """The organisation's custom fields that are not archived (`customField.list`, all pages)."""
    rows = client.list_all("customField.list", {})
    return [row for row in rows if not row.get("isArchived") and isinstance(row.get("id"), str)]


def list_fields(client: Any) -> list[RemoteFieldDefinition]:
    found = [
        *standard_fields(JOBS, JOB_FIELDS),
        *standard_fields(CANDIDATES, CANDIDATE_FIELDS),
        *standard_fields(APPLICATIONS, APPLICATION_FIELDS),
    ]
    try:
        custom = definitions(client)
    except ConnectorPermissionError:  # no Hiring Process Metadata → Read: the standard fields only
        return found
    found.extend(
        RemoteFieldDefinition(
            model=MODELS[row["objectType"]], key=row["id"], label=row.get("title"), type="CUSTOM",
            path=("customFields", ("id", row["id"]), "value"),
        )
        for row in custom
        if row.get("objectType") in MODELS
    )  # fmt: skip
    return found


@dataclass(frozen=True)
class Setting:
    """One `customField.setValue` to send."""

    object_type: str  # Candidate | Application
    field_id: str
    value: Any
    name: str  # the request's key


def settings(client: Any, values: Sequence[CustomFieldValue], warnings: list[str]) -> list[Setting]:
    """The calls for `values`; ConnectorInputError (400) naming the first value that does not fit its field; values
    mapped to standard fields (or to a field archived meanwhile) or of types we do not write named in a warning."""
    if not values:
        return []
    defined = {row["id"]: row for row in definitions(client)}
    mapped = custom_values.mapped_values(
        values, defined, model_of=lambda row: MODELS.get(row.get("objectType")),
        kind_of=lambda row: KINDS.get(row.get("fieldType")), warnings=warnings,
        warning_not_custom=WARNING_NOT_CUSTOM, warning_unsupported=WARNING_UNSUPPORTED,
    )  # fmt: skip
    found: list[Setting] = []
    for item in mapped:
        row = item.field
        choices = [str(v["value"]) for v in row.get("selectableValues") or () if not v.get("isArchived")]
        custom_values.check(
            item.value, kind=item.kind, owner="Ashby's custom field", label=str(row.get("title") or item.value.key),
            vendor_kind=str(row["fieldType"]),
            options=choices if item.kind in (custom_values.SELECT, custom_values.MULTI_SELECT) else None,
        )  # fmt: skip
        found.append(Setting(object_type=row["objectType"], field_id=row["id"], value=item.value.value, name=item.name))
    return found


def _held(record: Raw) -> dict[str, Any]:
    return {item["id"]: item.get("value") for item in record.get("customFields") or () if "id" in item}


def write(client: Any, found: Sequence[Setting], *, candidate_id: str, application_id: str) -> list[str]:
    """Send the settings a record does not hold yet (so a resumed create sets nothing twice); a candidate's field
    only where the candidate holds no other value. Returns the request keys kept back for that reason."""
    held: dict[str, dict[str, Any]] = {}
    for object_type, operation, body in (
        ("Candidate", "candidate.info", {"id": candidate_id}),
        ("Application", "application.info", {"applicationId": application_id}),
    ):
        if any(setting.object_type == object_type for setting in found):
            held[object_type] = _held(client.result(operation, body))
    kept: list[str] = []
    for setting in found:
        current = held[setting.object_type].get(setting.field_id)
        if current == setting.value:
            continue  # already there (an interrupted create set it)
        if setting.object_type == "Candidate" and current is not None:
            kept.append(setting.name)
            continue
        object_id = candidate_id if setting.object_type == "Candidate" else application_id
        client.result(
            "customField.setValue",
            {"objectType": setting.object_type, "objectId": object_id, "fieldId": setting.field_id,
             "fieldValue": setting.value},
        )  # fmt: skip
    return kept
