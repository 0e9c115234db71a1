"""Personio `GET /_emulator/state` (plain JSON, ISO times) and the seed counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.connectors.personio.emulator.seed import SeedConfig
from apps.connectors.personio.emulator.state import State

TABLES = ("jobs", "categories", "channels", "candidates", "applications")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "content"}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def counts(state: State) -> dict[str, int]:
    return {**{name: len(getattr(state, name)) for name in TABLES}, "documents": len(state.documents)}


def dump(state: State, config: SeedConfig) -> dict[str, Any]:
    return {
        "seed": config.as_json(),
        "counts": counts(state),
        "company_id": state.company_id,
        "tags": sorted(state.tags),
        "documents": [_plain(d) for d in state.documents.values()],
        **{name: [_plain(record) for record in getattr(state, name).values()] for name in TABLES},
    }
