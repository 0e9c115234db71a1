"""The company's three-level source library (types, sub-types, values) as the emulator's `State` keeps it:
lookups, validation of a `sourceDetails` body, and the settings page's custom sources (split from `state.py`)."""

from __future__ import annotations

from typing import Any

from apps.connectors.smartrecruiters.emulator.model import DEFAULT_SOURCE, Invalid, Missing, SourceType, SourceValue


class SourceLibrary:
    """Mixed into `State`, which owns the dicts declared here."""

    ids: Any  # the state's `Ids`
    source_types: dict[str, SourceType]
    source_values: dict[str, SourceValue]  # keyed by sourceIdentifier

    def source_value(self, type_id: str, value_id: str) -> SourceValue | None:
        for value in self.source_values.values():
            if value.type_id == type_id and value.id == value_id and not value.deleted:
                return value
        return None

    def source_label(self, source: tuple[str, str | None, str]) -> str:
        type_id, _, value_id = source
        for value in self.source_values.values():  # deleted sources keep their label on old applications
            if value.type_id == type_id and value.id == value_id:
                return value.label
        return value_id

    def source_identifier(self, source: tuple[str, str | None, str]) -> str | None:
        type_id, _, value_id = source
        for value in self.source_values.values():
            if value.type_id == type_id and value.id == value_id:
                return value.identifier
        return None

    def resolve_source(self, details: Any) -> tuple[str, str | None, str]:
        """Validate a `sourceDetails`/`CandidateSource` body; absent means the default API source."""
        if details is None:
            return DEFAULT_SOURCE
        if not isinstance(details, dict):
            raise Invalid("sourceDetails: must be an object")
        type_id, subtype_id, value_id = (
            details.get("sourceTypeId"),
            details.get("sourceSubTypeId"),
            details.get("sourceId"),
        )
        if not isinstance(type_id, str) or not type_id:
            raise Invalid("sourceDetails.sourceTypeId: must not be null")
        if not isinstance(value_id, str) or not value_id:
            raise Invalid("sourceDetails.sourceId: must not be null")
        source_type = self.source_types.get(type_id)
        if source_type is None:
            raise Invalid(f"Source type {type_id} does not exist", "SOURCE_TYPE_NOT_FOUND")
        if subtype_id is not None and subtype_id not in source_type.subtypes:
            raise Invalid(f"Source subtype {subtype_id} does not exist for type {type_id}", "SOURCE_SUBTYPE_NOT_FOUND")
        value = self.source_value(type_id, value_id)
        if value is None:
            raise Invalid(f"Source {value_id} of type {type_id} does not exist", "SOURCE_NOT_FOUND")
        if subtype_id is not None and value.subtype_id != subtype_id:
            raise Invalid(f"Source {value_id} is not of subtype {subtype_id}", "SOURCE_NOT_FOUND")
        return (type_id, value.subtype_id, value_id)

    def create_custom_source(self, *, label: str, type_id: str, subtype_id: str | None) -> SourceValue:
        """The settings page's "add custom source" (SmartGlobal add-on); never reachable through the API."""
        label = label.strip()
        if not label:
            raise Invalid("label: must not be empty")
        source_type = self.source_types.get(type_id)
        if source_type is None:
            raise Invalid(f"Source type {type_id} does not exist")
        if subtype_id is not None and subtype_id not in source_type.subtypes:
            raise Invalid(f"Source subtype {subtype_id} does not exist for type {type_id}")
        for value in self.source_values.values():
            if value.type_id == type_id and value.label.lower() == label.lower() and not value.deleted:
                raise Invalid(f"A source named {label} already exists in type {type_id}", "DUPLICATE_SOURCE", 409)
        value = SourceValue(
            id=self.ids.numeric(),
            identifier=self.ids.uuid(),
            label=label,
            type_id=type_id,
            subtype_id=subtype_id,
            custom=True,
        )
        self.source_values[value.identifier] = value
        return value

    def delete_source(self, identifier: str) -> SourceValue:
        value = self.source_values.get(identifier)
        if value is None:
            raise Missing("Source", identifier)
        value.deleted = True
        return value
