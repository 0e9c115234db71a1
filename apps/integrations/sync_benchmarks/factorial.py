"""Factorial: no read limit is documented (only 200 POST requests per minute, F-REPO faqs.md), so the share is of
the 10 requests per second the connector books for itself (our choice, `FactorialConnector.rate_budget`)."""

from __future__ import annotations

from typing import Any

from apps.connectors.factorial.emulator import DEFAULT_API_KEY
from apps.integrations.sync_benchmarks import EmulatedSyncBenchmark

# A candidate brings itself, ~1.3 applications and their CVs on average with the emulator's seed.
RECORDS_PER_CANDIDATE = 3


def seed_for(records: int) -> dict[str, Any]:
    candidates = max(2, records // RECORDS_PER_CANDIDATE)
    postings = max(4, candidates // 50)
    return {
        "seed": 7,
        "employees": max(6, postings),
        "jobPostings": postings,
        "candidates": candidates,
        "applications": min(candidates * postings, candidates * 13 // 10),
    }


def change(app: Any) -> int:
    """Gives 1 % of the candidates a new phone number (which moves their `updated_at`)."""
    state = app.state
    candidates = list(state.candidates.values())[: max(1, len(state.candidates) // 100)]
    for number, candidate in enumerate(candidates):
        state.update_candidate(candidate, {"phone_number": f"+34 600 000 {number:03d}"})
    return len(candidates)


BENCHMARK = EmulatedSyncBenchmark(
    documented_requests_per_second=10, seed_for=seed_for, credentials={"api_key": DEFAULT_API_KEY}, change=change
)
