"""Reads of integration fields and custom fields, shaped as the contract's §6 objects."""

from __future__ import annotations

from typing import Any

from apps.connectors.catalog import ReadModel
from apps.core.api.cursors import decode_cursor, encode_cursor
from apps.integrations.field_models import CustomField, CustomFieldMapping, IntegrationField
from apps.integrations.field_values import value_at
from apps.integrations.models import Integration
from apps.integrations.records import records as record_store

FIELDS_MAX_PAGE_SIZE = 2000
CUSTOM_FIELDS_MAX_PAGE_SIZE = 250


def present_integration_field(field: IntegrationField) -> dict[str, Any]:
    return {
        "id": field.id,
        "key": field.key,
        "model": field.model,
        "type": field.type,
        "label": field.label,
        "is_passthrough_enabled": field.is_passthrough_enabled,
        "is_writable": False,
    }


def _page(rows: list[Any], page_size: int, endpoint: str, integration: Integration) -> tuple[list[Any], str | None]:
    more = len(rows) > page_size
    rows = rows[:page_size]
    next_cursor = encode_cursor(rows[-1].id, endpoint=endpoint, integration_id=integration.id) if more else None
    return rows, next_cursor


def integration_field_page(
    *, integration: Integration, cursor: str | None, page_size: int
) -> tuple[list[dict[str, Any]], str | None]:
    queryset = IntegrationField.objects.filter(integration=integration, is_present=True).order_by("id")
    if cursor:
        queryset = queryset.filter(
            id__gt=decode_cursor(cursor, endpoint="integration-fields", integration_id=integration.id)
        )
    rows, next_cursor = _page(list(queryset[: page_size + 1]), page_size, "integration-fields", integration)
    return [present_integration_field(field) for field in rows], next_cursor


def present_custom_field(custom_field: CustomField, mapping: CustomFieldMapping | None) -> dict[str, Any]:
    field = mapping.integration_field if mapping is not None else None
    return {
        "id": custom_field.id,
        "key": custom_field.key,
        "model": custom_field.model,
        "label": custom_field.label,
        "description": custom_field.description,
        "integration_field": None
        if field is None
        else {"id": field.id, "key": field.key, "type": field.type, "label": field.label},
    }


def custom_field_row(*, integration: Integration, custom_field: CustomField) -> dict[str, Any]:
    mapping = (
        CustomFieldMapping.objects.filter(integration=integration, custom_field=custom_field)
        .select_related("integration_field")
        .first()
    )
    return present_custom_field(custom_field, mapping)


def custom_field_page(
    *, integration: Integration, cursor: str | None, page_size: int
) -> tuple[list[dict[str, Any]], str | None]:
    queryset = CustomField.objects.filter(environment_id=integration.environment_id).order_by("id")
    if cursor:
        queryset = queryset.filter(
            id__gt=decode_cursor(cursor, endpoint="custom-fields", integration_id=integration.id)
        )
    rows, next_cursor = _page(list(queryset[: page_size + 1]), page_size, "custom-fields", integration)
    mappings = {
        mapping.custom_field_id: mapping
        for mapping in CustomFieldMapping.objects.filter(integration=integration, custom_field__in=rows).select_related(
            "integration_field"
        )
    }
    return [present_custom_field(row, mappings.get(row.id)) for row in rows], next_cursor


def field_samples(*, integration: Integration) -> dict[str, Any]:
    """A sample value per integration field id: from the most recently changed synced record of its model that
    has one (the admin's field explorer)."""
    samples: dict[str, Any] = {}
    fields = list(IntegrationField.objects.filter(integration=integration, is_present=True))
    for model, read_model in (
        ("ats_jobs", ReadModel.JOBS), ("ats_candidates", ReadModel.CANDIDATES),
        ("ats_applications", ReadModel.APPLICATIONS),
    ):  # fmt: skip
        record_model: Any = record_store.RECORD_MODELS[read_model]
        wanted = [field for field in fields if field.model == model and field.path]
        if not wanted:
            continue
        records = record_model.objects.filter(integration=integration).order_by("-changed_at")
        for remote_data in records.values_list("remote_data", flat=True)[:20]:
            for field in wanted:
                if field.id not in samples and (value := value_at(remote_data, field.path)) is not None:
                    samples[field.id] = value
    return samples
