"""Greenhouse: Harvest v3 counts requests in fixed 30-second windows with an unpublished ceiling; the emulator
allows 75 per window (assumed, see the connector's assumptions), i.e. 2.5 requests per second, and the connector
books 2.2 of them. Credentials: the v1-key transition token (`POST /auth/token` with `sub`)."""

from __future__ import annotations

from typing import Any

from apps.connectors.greenhouse.emulator import ADMIN_USER_ID, DEFAULT_API_KEY
from apps.integrations.sync_benchmarks import EmulatedSyncBenchmark

RECORDS_PER_CANDIDATE = 2  # each seeded candidate has one application


def seed_for(records: int) -> dict[str, Any]:
    candidates = max(2, records // RECORDS_PER_CANDIDATE)
    return {"seed": 7, "jobs": max(2, candidates // 200), "candidates": candidates}


def change(app: Any) -> int:
    """Gives 1 % of the candidates a new title (which moves their `updated_at`)."""
    state = app.state
    candidates = list(state.candidates.values())[: max(1, len(state.candidates) // 100)]
    for number, candidate in enumerate(candidates):
        candidate["title"] = f"Engineer {number}"
        state.touch(candidate)
    return len(candidates)


BENCHMARK = EmulatedSyncBenchmark(
    documented_requests_per_second=2.5,
    seed_for=seed_for,
    credentials={"api_key": DEFAULT_API_KEY, "user_id": str(ADMIN_USER_ID)},
    change=change,
)
