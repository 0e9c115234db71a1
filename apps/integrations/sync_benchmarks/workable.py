"""Workable: account tokens get 10 requests per 10-second window (reference A2), i.e. 1 request per second; the
connector books 0.95. Candidates and applications are the same `/candidates` list, 100 per page."""

from __future__ import annotations

from typing import Any

from apps.connectors.workable.emulator import DEFAULT_TOKEN, SUBDOMAIN
from apps.integrations.sync_benchmarks import EmulatedSyncBenchmark

# A Workable candidate is read twice: as a candidate and as an application (one job per candidate).
RECORDS_PER_CANDIDATE = 2


def seed_for(records: int) -> dict[str, Any]:
    candidates = max(2, records // RECORDS_PER_CANDIDATE)
    return {"seed": 7, "jobs": max(3, candidates // 250), "candidates": candidates}


def change(app: Any) -> int:
    """Gives 1 % of the candidates a new phone number (which moves their `updated_at`)."""
    state = app.state
    candidates = list(state.candidates.values())[: max(1, len(state.candidates) // 100)]
    for number, candidate in enumerate(candidates):
        state.touch(candidate, {"phone": f"+44 20 7946 {number:04d}"})
    return len(candidates)


BENCHMARK = EmulatedSyncBenchmark(
    documented_requests_per_second=1.0,
    seed_for=seed_for,
    credentials={"api_key": DEFAULT_TOKEN, "subdomain": SUBDOMAIN},
    change=change,
)
