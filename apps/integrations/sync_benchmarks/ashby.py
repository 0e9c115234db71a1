"""Ashby: no general per-key limit is documented (reference B2: NOT FOUND), so the share is of the 10 requests per
second the connector books for itself (our choice, `AshbyConnector.rate_budget`; the emulator allows 15)."""

from __future__ import annotations

from typing import Any

from apps.connectors.ashby.emulator import DEFAULT_API_KEY, operations
from apps.integrations.sync_benchmarks import EmulatedSyncBenchmark

# A seeded candidate brings itself and one application.
RECORDS_PER_CANDIDATE = 2


def seed_for(records: int) -> dict[str, Any]:
    candidates = max(2, records // RECORDS_PER_CANDIDATE)
    return {"seed": 7, "users": 6, "jobs": max(3, candidates // 200), "candidates": candidates}


def change(app: Any) -> int:
    """Tags 1 % of the candidates, which moves their `updatedAt`."""
    state = app.state
    tag = operations.create_tag(state, {"title": "benchmark-change"})
    candidates = list(state.candidates.values())[: max(1, len(state.candidates) // 100)]
    for candidate in candidates:
        operations.add_tag(state, {"candidateId": candidate["id"], "tagId": tag["id"]})
    return len(candidates)


BENCHMARK = EmulatedSyncBenchmark(
    documented_requests_per_second=10, seed_for=seed_for, credentials={"api_key": DEFAULT_API_KEY}, change=change
)
