"""Lever: a token bucket of 10 requests/s with bursts of 20 per API key (reference B2); the connector books 9.
Opportunities are read twice (as applications and, through their contacts, as candidates), 100 per page; offers,
interviews, feedback, notes, files and resumes only per opportunity (six calls each, reference B3)."""

from __future__ import annotations

from typing import Any

from apps.connectors.lever.emulator import DEFAULT_API_KEY
from apps.integrations.sync_benchmarks import EmulatedSyncBenchmark

# An opportunity is read as an application, and its contact as a candidate (two in three opportunities have their own).
RECORDS_PER_OPPORTUNITY = 2


def seed_for(records: int) -> dict[str, Any]:
    opportunities = max(2, records // RECORDS_PER_OPPORTUNITY)
    return {"seed": 7, "postings": max(3, opportunities // 250), "opportunities": opportunities}


def change(app: Any) -> int:
    """Tags 1 % of the opportunities (which moves their `updatedAt`)."""
    state = app.state
    opportunities = list(state.opportunities.values())[: max(1, len(state.opportunities) // 100)]
    for opportunity in opportunities:
        state.change_list(opportunity, "tags", ["benchmark"], add=True)
    return len(opportunities)


BENCHMARK = EmulatedSyncBenchmark(
    documented_requests_per_second=10.0,
    seed_for=seed_for,
    credentials={"api_key": DEFAULT_API_KEY},
    change=change,
)
