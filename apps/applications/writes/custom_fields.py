"""The create bodies' `custom_fields` (Tributary's extension): the environment's custom field keys, translated
through the integration's mapping to the ATS's own fields (`CustomFieldValue`) for the connector to write."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apps.connectors.base import Connector
from apps.connectors.dtos import CustomFieldValue
from apps.core.api.errors import input_invalid
from apps.integrations.field_models import CustomField, CustomFieldMapping
from apps.integrations.models import Integration

WRITABLE_MODELS = ("ats_candidates", "ats_applications")
MESSAGE_UNKNOWN = (
    "custom_fields.{key}: no custom field {key!r} of candidates or applications is defined in this environment "
    "(admin: Custom fields)."
)
MESSAGE_UNMAPPED = (
    "custom_fields.{key}: the custom field is not mapped to a field of this integration "
    "(PUT /v1/integrations/{integration_id}/custom-fields/{custom_field_id})."
)
MESSAGE_NOT_OBJECT = "custom_fields: expected an object of custom field keys and values."
WARNING_NOT_TAKEN = "custom_fields: {tool} takes no custom field values through Tributary yet; not written ({keys})."


def custom_field_values(
    *, integration: Integration, connector: Connector, value: Any, warnings: list[str]
) -> tuple[CustomFieldValue, ...]:
    """The ATS fields and values for the request's `custom_fields`; 400 naming the first unknown or unmapped key."""
    if not value:
        return ()
    if not isinstance(value, Mapping):
        raise input_invalid(MESSAGE_NOT_OBJECT)
    defined = {
        custom_field.key: custom_field
        for custom_field in CustomField.objects.filter(
            environment_id=integration.environment_id, model__in=WRITABLE_MODELS, key__in=list(value)
        ).order_by("model")  # a key defined on both models: the candidate's (ordered last) wins
    }
    mapped = {
        mapping.custom_field_id: mapping.integration_field
        for mapping in CustomFieldMapping.objects.filter(
            integration=integration, custom_field__in=list(defined.values()), integration_field__is_present=True
        ).select_related("integration_field")
    }
    found: list[CustomFieldValue] = []
    for key in sorted(value):
        custom_field = defined.get(key)
        if custom_field is None:
            raise input_invalid(MESSAGE_UNKNOWN.format(key=key))
        field = mapped.get(custom_field.id)
        if field is None:
            raise input_invalid(
                MESSAGE_UNMAPPED.format(key=key, integration_id=integration.id, custom_field_id=custom_field.id)
            )
        found.append(CustomFieldValue(model=field.model, key=field.key, value=value[key], name=key))
    if not connector.takes_custom_fields:
        warnings.append(WARNING_NOT_TAKEN.format(tool=connector.label, keys=", ".join(sorted(value))))
        return ()
    return tuple(found)
