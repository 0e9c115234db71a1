"""Greenhouse custom fields: the integration fields (standard payload keys and the company's custom fields) and a
create's `custom_fields` values as the elements `POST /v3/candidates` / `POST /v3/applications` take.

Definitions: `GET /v3/custom_fields` (`{id, name, name_key, field_type, value_type, active}`), options
`GET /v3/custom_field_options` (`{id, custom_field_id, name, active}`); paths assumed as the emulator's
(emulator/custom_fields.py). Elements (GH-V1 "Custom Field Parameters"): `{"id": <field id>, "value": ...}`, a select
by its option id, a multi-select by a list of them. The request names options by label (what reads show); values
are checked before anything is created, so Greenhouse never refuses a value after the candidate exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from apps.connectors import custom_values
from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import CustomFieldValue, RemoteFieldDefinition
from apps.connectors.errors import ConnectorPermissionError
from apps.connectors.fields import standard_fields

Raw = dict[str, Any]
JOBS, CANDIDATES, APPLICATIONS = ReadModel.JOBS.value, ReadModel.CANDIDATES.value, ReadModel.APPLICATIONS.value
MODELS = {"job": JOBS, "candidate": CANDIDATES, "application": APPLICATIONS}  # a definition's `field_type`
KINDS = {
    "short_text": custom_values.TEXT, "long_text": custom_values.TEXT, "url": custom_values.TEXT,
    "number": custom_values.NUMBER, "yes_no": custom_values.BOOLEAN, "date": custom_values.DATE,
    "single_select": custom_values.SELECT, "multi_select": custom_values.MULTI_SELECT,
}  # fmt: skip
JOB_FIELDS = {"requisition_id": "Requisition ID", "status": "Status", "confidential": "Confidential"}
CANDIDATE_FIELDS = {"company": "Company", "title": "Title", "time_zone": "Time zone", "can_email": "Can e-mail"}
APPLICATION_FIELDS = {"status": "Status", "stage_name": "Stage", "prospect": "Prospect", "source_id": "Source ID"}

WARNING_NOT_CUSTOM = (
    "custom_fields: Greenhouse takes values only for its candidate and application custom fields; not written ({keys})."
)
WARNING_UNSUPPORTED = (
    "custom_fields: Tributary does not write Greenhouse custom fields of the types currency, ranges and user "
    "(their values carry units, bounds or users); not written ({keys})."
)
WARNING_KEPT = (
    "custom_fields: a Greenhouse candidate with this email exists and its custom fields were kept; not written "
    "({keys})."
)


def definitions(client: Any) -> list[Raw]:
    """The company's active custom fields."""
    return [row for row in client.list_all("/custom_fields") if row.get("active") and isinstance(row.get("id"), int)]


def options(client: Any, field_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """The active options per select field: label → option id, in their order."""
    wanted = sorted(set(field_ids))
    if not wanted:
        return {}
    rows = client.list_all("/custom_field_options", {"custom_field_ids": ",".join(map(str, wanted))})
    found: dict[int, list[Raw]] = {}
    for row in rows:
        if row.get("active"):
            found.setdefault(int(row["custom_field_id"]), []).append(row)
    return {
        key: {str(r["name"]): int(r["id"]) for r in sorted(rows, key=lambda r: r.get("sort_order", 0))}
        for key, rows in found.items()
    }


def list_fields(client: Any) -> list[RemoteFieldDefinition]:
    found = [
        *standard_fields(JOBS, JOB_FIELDS),
        *standard_fields(CANDIDATES, CANDIDATE_FIELDS),
        *standard_fields(APPLICATIONS, APPLICATION_FIELDS),
    ]
    try:
        custom = definitions(client)
    except ConnectorPermissionError:  # no harvest:custom_fields:list: the standard fields only
        return found
    found.extend(
        RemoteFieldDefinition(
            model=MODELS[row["field_type"]], key=str(row["id"]), label=row.get("name"), type="CUSTOM",
            path=("custom_fields", str(row["name_key"]), "value"),
        )
        for row in custom
        if row.get("field_type") in MODELS and row.get("name_key")
    )  # fmt: skip
    return found


@dataclass
class Elements:
    """The create's values as request elements, per record, and what each candidate value reads as."""

    candidate: list[Raw] = field(default_factory=list)
    application: list[Raw] = field(default_factory=list)
    candidate_reads: list[tuple[str, str, Any]] = field(default_factory=list)  # (request key, name_key, value)

    def kept_on(self, existing: Raw) -> list[str]:
        """The request keys whose value an existing candidate does not hold (they stay unwritten)."""
        held = existing.get("custom_fields") or {}
        return [
            name for name, name_key, value in self.candidate_reads
            if not isinstance(held.get(name_key), dict) or held[name_key].get("value") != value
        ]  # fmt: skip


def elements(client: Any, values: Sequence[CustomFieldValue], warnings: list[str]) -> Elements:
    """The elements for `values`; ConnectorInputError (400) naming the first value that does not fit its field;
    values mapped to standard fields (or to a field deleted meanwhile) or of types we do not write named in a
    warning."""
    result = Elements()
    if not values:
        return result
    defined = {str(row["id"]): row for row in definitions(client)}
    used = [defined[value.key] for value in values if value.key in defined]
    selects = [row["id"] for row in used if KINDS.get(row.get("value_type")) in _SELECTS]
    labels = options(client, selects) if selects else {}
    mapped = custom_values.mapped_values(
        values, defined, model_of=lambda row: MODELS.get(row.get("field_type")),
        kind_of=lambda row: KINDS.get(row.get("value_type")), warnings=warnings,
        warning_not_custom=WARNING_NOT_CUSTOM, warning_unsupported=WARNING_UNSUPPORTED,
    )  # fmt: skip
    for item in mapped:
        row, kind = item.field, item.kind
        choices = labels.get(row["id"], {}) if kind in _SELECTS else None
        custom_values.check(
            item.value, kind=kind, owner="Greenhouse's custom field", label=str(row.get("name") or item.value.key),
            vendor_kind=str(row["value_type"]), options=list(choices) if choices is not None else None,
        )  # fmt: skip
        element = {"id": row["id"], "value": _written(kind, item.value.value, choices)}
        if item.value.model == CANDIDATES:
            result.candidate.append(element)
            result.candidate_reads.append((item.name, str(row["name_key"]), item.value.value))
        else:
            result.application.append(element)
    return result


_SELECTS = (custom_values.SELECT, custom_values.MULTI_SELECT)


def _written(kind: str, value: Any, choices: dict[str, int] | None) -> Any:
    """A select's labels as option ids (the labels were checked against `choices`); other values as given."""
    if choices is None:
        return value
    return [choices[label] for label in value] if kind == custom_values.MULTI_SELECT else choices[value]
