"""SmartRecruiters: 10 requests per second per credential (reference A1), `GET /candidates` one at a time."""

from __future__ import annotations

from typing import Any

from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY
from apps.integrations.sync_benchmarks import EmulatedSyncBenchmark

# Records a candidate brings on average with the emulator's seed: the candidate, 1.3 applications and their
# attachments, offers, interviews and notes (measured: ~5 records per candidate).
RECORDS_PER_CANDIDATE = 5


def seed_for(records: int) -> dict[str, Any]:
    candidates = max(2, records // RECORDS_PER_CANDIDATE)
    jobs = max(4, candidates // 50)
    return {
        "seed": 7,
        "users": max(6, jobs),
        "jobs": jobs,
        "candidates": candidates,
        "applications": min(candidates * jobs, candidates * 13 // 10),
    }


def change(app: Any) -> int:
    """Moves 1 % of the applications from NEW / IN_REVIEW to INTERVIEW."""
    state = app.state
    moved = 0
    for application in list(state.applications.values())[: max(1, len(state.applications) // 100)]:
        if application.status in ("NEW", "IN_REVIEW"):
            state.set_status(application, {"status": "INTERVIEW"})
            moved += 1
    return moved


BENCHMARK = EmulatedSyncBenchmark(
    documented_requests_per_second=10, seed_for=seed_for, credentials={"api_key": DEFAULT_API_KEY}, change=change
)
