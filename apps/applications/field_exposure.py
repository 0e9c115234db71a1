"""The integration fields and custom fields the read API adds to records (contract §6).

What to add comes from `Integration.field_exposure` (kept by apps.integrations.field_services), which is loaded
with the integration anyway: the lists cost no extra query; the values are read from each record's
`remote_data`, fetched only for models that have something to show.
"""

from __future__ import annotations

from typing import Any

from apps.integrations.field_values import value_at
from apps.integrations.models import Integration

ENDPOINT_MODELS = {"jobs": "ats_jobs", "candidates": "ats_candidates", "applications": "ats_applications"}


def exposure_for(integration: Integration, model: str | None) -> dict[str, Any] | None:
    """What to add to records of `model` (a ReadModel value), None when nothing is enabled or mapped."""
    if model is None:
        return None
    exposure = (integration.field_exposure or {}).get(model)
    return exposure if exposure and (exposure.get("fields") or exposure.get("custom")) else None


def needs_remote_data(integration: Integration, endpoint: str) -> bool:
    return exposure_for(integration, ENDPOINT_MODELS.get(endpoint)) is not None


def expose(record: dict[str, Any], remote_data: Any, exposure: dict[str, Any]) -> dict[str, Any]:
    """Add the passthrough-enabled fields to `integration_fields` and the mapped ones to `custom_fields`."""
    if exposure.get("fields"):
        present = {entry.get("id") for entry in record.get("integration_fields") or []}
        record["integration_fields"] = [
            *(record.get("integration_fields") or []),
            *(
                {
                    "id": field["id"],
                    "key": field["key"],
                    "type": field["type"],
                    "value": value_at(remote_data, field["path"]),
                    "label": field["label"],
                }
                for field in exposure["fields"]
                if field["id"] not in present
            ),
        ]
    if exposure.get("custom"):
        custom = dict(record.get("custom_fields") or {})
        for entry in exposure["custom"]:
            custom[entry["key"]] = value_at(remote_data, entry["path"])
        record["custom_fields"] = custom
    return record
