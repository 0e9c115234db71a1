"""The body of import-tracked-application (contract §5.5) as every registered connector accepts it.

Each connector names the keys it reads and their id fields (`Connector.tracked_application_keys`); the request
serializer (and so the served OpenAPI) is built from the union of them, so a tool registered later documents its
key without anyone editing the endpoint. The write path checks the key against the integration's own tool.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.applications.writes.serializers import StrictDateTimeField
from apps.connectors.registry import connector_classes
from apps.core.api.fields import StrictCharField

# The contract's `id_type` value per key (§5.5); keys it does not list take no `id_type`.
CONTRACT_ID_TYPES = {
    "smartrecruiters": "candidate_and_job_remote_ids",
    "successfactors": "application_remote_id",
    "recruitee": "placement_id",
    "greenhouse": "application_id",
    "greenhousev3": "application_id",
    "onlyfy": "application_id",
}
# Component names the served schema had before it was built from the registry (kept stable for clients).
COMPONENT_NAMES = {"smartrecruiters": "SmartRecruiters", "successfactors": "SuccessFactors"}


def tracked_keys() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Every key any registered connector reads → (its id fields, the tools that accept it), sorted by key."""
    found: dict[str, tuple[tuple[str, ...], list[str]]] = {}
    for connector_class in connector_classes():
        for key, names in connector_class.tracked_application_keys.items():
            ids, tools = found.setdefault(key, (tuple(names), []))
            if tuple(names) != ids:
                raise ValueError(f"{connector_class.tool} reads the {key!r} key with other ids than {tools}")
            tools.append(connector_class.tool)
    return {key: (ids, tuple(sorted(tools))) for key, (ids, tools) in sorted(found.items())}


def _ids_serializer(key: str, ids: tuple[str, ...], tools: tuple[str, ...]) -> serializers.Serializer:
    fields: dict[str, Any] = {name: StrictCharField() for name in ids}
    if key in CONTRACT_ID_TYPES:
        fields["id_type"] = serializers.ChoiceField(choices=[CONTRACT_ID_TYPES[key]], required=False)
    name = COMPONENT_NAMES.get(key) or "".join(part.capitalize() for part in key.split("_"))
    cls = type(f"{name}ImportIdsSerializer", (serializers.Serializer,), fields)
    accepted = ", ".join(tools)
    return cls(required=False, help_text=f"The ids of the application ({', '.join(ids)}); accepted by: {accepted}.")


def import_body_serializer() -> type[serializers.Serializer]:
    """`{tracked_at, <key>: {ids…}}` for every key of `tracked_keys()`."""
    fields: dict[str, Any] = {"tracked_at": StrictDateTimeField(required=False, allow_null=True)}
    for key, (ids, tools) in tracked_keys().items():
        fields[key] = _ids_serializer(key, ids, tools)
    return type("ImportTrackedApplicationInputSerializer", (serializers.Serializer,), fields)
