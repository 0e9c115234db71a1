"""Teamtailor: no limit is documented (the X-Rate-Limit-* headers carry static values, T-DOC), so the share is of
the emulator's assumed 50 requests per 10 seconds per key (5 per second, `teamtailor/emulator/app.py`). The EU
region prefix is the integration's base URL."""

from __future__ import annotations

from typing import Any

from apps.connectors.teamtailor.emulator import DEFAULT_API_KEY
from apps.integrations.sync_benchmarks import EmulatedSyncBenchmark


def seed_for(records: int) -> dict[str, Any]:
    # A candidate and its one application are two records; jobs bring their stages; every applicant answered its
    # job's two questions (read with the applications through `include`).
    candidates = max(2, records // 2)
    return {"jobs": max(3, candidates // 100), "candidates": candidates, "applications": candidates, "answers": True}


def change(app: Any) -> int:
    """Gives 1 % of the candidates a new phone number (which moves their `updated-at`)."""
    state = app.state
    candidates = list(state.candidates.values())[: max(1, len(state.candidates) // 100)]
    for number, candidate in enumerate(candidates):
        state.update_candidate(candidate, {"phone": f"+46 70 000 {number:04d}"})
    return len(candidates)


BENCHMARK = EmulatedSyncBenchmark(
    documented_requests_per_second=5,
    seed_for=seed_for,
    credentials={"api_key": DEFAULT_API_KEY},
    change=change,
    base_path="/eu",
)
