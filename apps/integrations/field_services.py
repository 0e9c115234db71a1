"""Integration fields and custom fields: discovery, passthrough switches, mappings, and what the read API adds.

The read API never queries these tables: every change here rebuilds `Integration.field_exposure`, a small JSON
summary (per model: the passthrough-enabled fields and the mapped custom fields, each with its path into
`remote_data`) that comes with the integration row the API loads anyway.
"""

from __future__ import annotations

import logging

from django.db import transaction

from apps.connectors.base import Connector
from apps.core.api.errors import ApiError, ErrorCode, input_invalid
from apps.core.derived_ids import integration_field_id
from apps.core.timeutils import utcnow
from apps.integrations.connectors import connector_for
from apps.integrations.field_models import FIELD_MODELS, CustomField, CustomFieldMapping, IntegrationField
from apps.integrations.models import Environment, Integration

logger = logging.getLogger(__name__)

MESSAGE_FIELD_NOT_FOUND = "No integration field with ID {field_id!r} exists in this integration."
MESSAGE_CUSTOM_NOT_FOUND = "No custom field with ID {field_id!r} exists in this environment."
MESSAGE_OTHER_MODEL = (
    "integration_field_id: {field_id!r} is a field of {field_model}, but custom field {key!r} is one of {model}."
)


def exposure_rebuild(*, integration: Integration) -> dict[str, object]:
    """Recompute and store `integration.field_exposure` from the fields and mappings."""
    exposure: dict[str, dict[str, list[dict[str, object]]]] = {}
    enabled = IntegrationField.objects.filter(integration=integration, is_passthrough_enabled=True, is_present=True)
    for field in enabled.order_by("model", "key"):
        entry = {"id": field.id, "key": field.key, "type": field.type, "label": field.label, "path": field.path}
        exposure.setdefault(field.model, {"fields": [], "custom": []})["fields"].append(entry)
    mappings = CustomFieldMapping.objects.filter(integration=integration).select_related(
        "custom_field", "integration_field"
    )
    for mapping in mappings.order_by("custom_field__key"):
        model = mapping.custom_field.model
        entry = {"key": mapping.custom_field.key, "path": mapping.integration_field.path}
        exposure.setdefault(model, {"fields": [], "custom": []})["custom"].append(entry)
    Integration.objects.filter(pk=integration.pk).update(field_exposure=exposure)
    integration.field_exposure = exposure
    return exposure


@transaction.atomic
def integration_fields_refresh(*, integration: Integration, connector: Connector | None = None) -> int:
    """Discover the ATS's fields now and store them (new ones added, vanished ones hidden, switches kept).
    Returns how many fields the ATS exposes. Raises ConnectorError."""
    connector = connector or connector_for(integration)
    now = utcnow()
    found = {}
    for definition in connector.list_fields():
        if definition.model in FIELD_MODELS:
            found[(definition.model, definition.key)] = definition
    existing = {(field.model, field.key): field for field in IntegrationField.objects.filter(integration=integration)}
    for (model, key), definition in found.items():
        field = existing.get((model, key)) or IntegrationField(
            id=integration_field_id(integration.id, model, key), integration=integration, model=model, key=key
        )
        field.type, field.label, field.path = definition.type, definition.label, list(definition.path)
        field.is_present, field.refreshed_at = True, now
        field.save()
    IntegrationField.objects.filter(integration=integration).exclude(
        id__in=[integration_field_id(integration.id, model, key) for model, key in found]
    ).update(is_present=False, refreshed_at=now)
    exposure_rebuild(integration=integration)
    return len(found)


def integration_field_get(*, integration: Integration, field_id: str) -> IntegrationField:
    field = IntegrationField.objects.filter(integration=integration, id=field_id, is_present=True).first()
    if field is None:
        raise ApiError(ErrorCode.PLATFORM_INPUT_INVALID, MESSAGE_FIELD_NOT_FOUND.format(field_id=field_id), status=404)
    return field


@transaction.atomic
def integration_field_update(*, field: IntegrationField, enable_passthrough: bool | None) -> IntegrationField:
    """`enable_passthrough`: whether the field's raw value appears in records' `integration_fields` (None: as
    it is)."""
    if enable_passthrough is not None and enable_passthrough != field.is_passthrough_enabled:
        field.is_passthrough_enabled = enable_passthrough
        field.save(update_fields=["is_passthrough_enabled", "updated_at"])
        exposure_rebuild(integration=field.integration)
    return field


def custom_field_create(
    *, environment: Environment, model: str, key: str, label: str | None = None, description: str | None = None
) -> CustomField:
    custom_field = CustomField(environment=environment, model=model, key=key, label=label, description=description)
    custom_field.full_clean()
    custom_field.save()
    return custom_field


def custom_field_get(*, environment: Environment, custom_field_id: str) -> CustomField:
    custom_field = CustomField.objects.filter(environment=environment, id=custom_field_id).first()
    if custom_field is None:
        message = MESSAGE_CUSTOM_NOT_FOUND.format(field_id=custom_field_id)
        raise ApiError(ErrorCode.PLATFORM_INPUT_INVALID, message, status=404)
    return custom_field


@transaction.atomic
def custom_field_map(
    *, integration: Integration, custom_field: CustomField, integration_field_id: str | None
) -> CustomFieldMapping | None:
    """Map the custom field to one of the integration's fields of the same model, or unmap it (None)."""
    if integration_field_id is None:
        CustomFieldMapping.objects.filter(integration=integration, custom_field=custom_field).delete()
        exposure_rebuild(integration=integration)
        return None
    field = IntegrationField.objects.filter(integration=integration, id=integration_field_id, is_present=True).first()
    if field is None:
        raise input_invalid(f"integration_field_id: {MESSAGE_FIELD_NOT_FOUND.format(field_id=integration_field_id)}")
    if field.model != custom_field.model:
        raise input_invalid(
            MESSAGE_OTHER_MODEL.format(
                field_id=integration_field_id, field_model=field.model, key=custom_field.key, model=custom_field.model
            )
        )
    mapping, _ = CustomFieldMapping.objects.update_or_create(
        integration=integration, custom_field=custom_field, defaults={"integration_field": field}
    )
    exposure_rebuild(integration=integration)
    return mapping


def environment_custom_fields_changed(*, environment: Environment) -> None:
    """After a custom field's key or model changed (admin): every integration's summary follows."""
    for integration in Integration.objects.filter(environment=environment):
        exposure_rebuild(integration=integration)
