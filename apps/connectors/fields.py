"""Helpers for `Connector.list_fields`: the vendor's standard payload fields as DEFAULT integration fields."""

from __future__ import annotations

from collections.abc import Mapping

from apps.connectors.dtos import RemoteFieldDefinition


def standard_fields(
    model: str, labels: Mapping[str, str], *, prefix: tuple[str, ...] = ()
) -> list[RemoteFieldDefinition]:
    """One DEFAULT field per `key → label`; a dotted key (`consent.status`) is a path into nested objects, and
    `prefix` is where the vendor payload sits inside `remote_data` (e.g. `("job",)`)."""
    return [
        RemoteFieldDefinition(model=model, key=key, label=label, type="DEFAULT", path=(*prefix, *key.split(".")))
        for key, label in labels.items()
    ]
