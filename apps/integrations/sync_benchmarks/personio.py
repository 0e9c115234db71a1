"""Personio: the v2 recruiting GETs have no published limit; the emulator allows 300 per 60 s per company (assumed,
see the connector's assumptions), i.e. 5 requests per second, and the connector books 4.5 of them. Credentials: v2
client credentials (`POST /v2/auth/token`) and the v1 Recruiting API key (unused by a sync)."""

from __future__ import annotations

from typing import Any

from apps.connectors.catalog import AuthKind
from apps.connectors.personio.emulator import DEFAULT_API_KEY, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from apps.integrations.sync_benchmarks import EmulatedSyncBenchmark

RECORDS_PER_CANDIDATE = 2  # each seeded candidate has one application


def seed_for(records: int) -> dict[str, Any]:
    candidates = max(2, records // RECORDS_PER_CANDIDATE)
    return {"seed": 7, "jobs": max(2, candidates // 200), "candidates": candidates}


def change(app: Any) -> int:
    """Gives 1 % of the candidates a new phone number (which moves their `updated_at`)."""
    state = app.state
    candidates = list(state.candidates.values())[: max(1, len(state.candidates) // 100)]
    for number, candidate in enumerate(candidates):
        candidate["phone"] = f"+49 30 {number:07d}"
        state.touch(candidate)
    return len(candidates)


BENCHMARK = EmulatedSyncBenchmark(
    documented_requests_per_second=5.0,
    seed_for=seed_for,
    credentials={
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        "api_key": DEFAULT_API_KEY,
        "company_id": "98765",
    },  # fmt: skip
    change=change,
    auth_kind=AuthKind.OAUTH2_CLIENT_CREDENTIALS,
)
