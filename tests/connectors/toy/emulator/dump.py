"""Toy ATS `GET /_emulator/state` and the seed counts."""

from __future__ import annotations

from typing import Any

from apps.connectors.emulation.records import fmt
from tests.connectors.toy.emulator.seed import SeedConfig
from tests.connectors.toy.emulator.state import Candidate, State


def candidate_json(candidate: Candidate) -> dict[str, Any]:
    return {
        "id": candidate.id,
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "email": candidate.email,
        "tags": list(candidate.tags),
        "created_at": fmt(candidate.created_at),
        "updated_at": fmt(candidate.updated_at),
    }


def counts(state: State) -> dict[str, int]:
    return {"candidates": len(state.candidates), "deleted": len(state.deleted)}


def dump(state: State, config: SeedConfig) -> dict[str, Any]:
    return {
        "seed": config.as_json(),
        "counts": counts(state),
        "candidates": [candidate_json(candidate) for candidate in state.candidates.values()],
    }
