"""Sync throughput: a FULL sync of about --records records, then a DELTA after 1% of them changed.

Sync-all mode (every candidate and application), into the configured database (run it on PostgreSQL).
- `--tool sandbox` (default): the in-process sandbox ATS. Prints records/s, upstream calls per record, the delta's
  share of the full sync's time and peak RSS.
- `--tool smartrecruiters`: the SmartRecruiters emulator served on loopback with its real limits on (10 requests
  per second, 8 at once, `GET /candidates` 1 at once) and the real clock; the sync goes through the shared rate
  limiter as in production. Prints the requests per second achieved, requests per synced record, 429s, the peak
  rate and concurrency the emulator saw, and the number of failed runs.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection

from apps.connectors.sandbox.store import forget_store
from apps.integrations.connectors import sandbox_path_for, sandbox_store_for
from apps.integrations.models import Environment, Integration, SyncRun
from apps.integrations.services import environment_create, integration_create
from apps.integrations.sync import sync_run_execute, sync_run_request

ENVIRONMENT_NAME = "benchmark"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--records", type=int, default=50_000, help="Records in the ATS (default 50000).")
    parser.add_argument("--keep", action="store_true", help="Keep the integration and its data afterwards.")
    parser.add_argument(
        "--tool",
        choices=("sandbox", "smartrecruiters"),
        default="sandbox",
        help="The ATS: the in-process sandbox, or the SmartRecruiters emulator with its real rate limits.",
    )


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 1024 / 1024


def _timed_sync(integration: Integration, run_type: str) -> tuple[SyncRun, float]:
    run, _ = sync_run_request(integration=integration, type=run_type, trigger=SyncRun.Trigger.COMMAND, enqueue=False)
    started = time.perf_counter()
    sync_run_execute(run_id=run.id, time_budget=float("inf"), enqueue_continuation=False)
    elapsed = time.perf_counter() - started
    run.refresh_from_db()
    if run.status != SyncRun.Status.SUCCEEDED:
        raise RuntimeError(f"{run_type} sync {run.id} ended {run.status}: {run.error}")
    return run, elapsed


def run(options: dict[str, Any], progress: Callable[[str], Any]) -> dict[str, Any]:
    settings.DEBUG = False  # no query log
    if options.get("tool") == "smartrecruiters":
        return _run_smartrecruiters(options, progress)
    records = options["records"]
    environment = Environment.objects.filter(name=ENVIRONMENT_NAME).first() or environment_create(
        name=ENVIRONMENT_NAME, display_name="Benchmark"
    )
    integration = integration_create(
        environment=environment, tool="sandbox", end_user_organization_name="Benchmark Inc.",
        setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip
    integration.sync_all_records = True
    integration.save(update_fields=["sync_all_records"])
    try:
        progress(f"seeding a sandbox with {records} records\n")
        seed_started = time.perf_counter()
        store = sandbox_store_for(integration, records=records)
        seed_seconds = time.perf_counter() - seed_started
        rss_before = _rss_mb()

        progress("full sync\n")
        full, full_seconds = _timed_sync(integration, SyncRun.Type.FULL)
        changed = store.change_records(max(1, full.fetched // 100))
        progress(f"changed {changed} records; delta sync\n")
        delta, delta_seconds = _timed_sync(integration, SyncRun.Type.DELTA)
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {
            "database": connection.vendor,
            "records": full.fetched,
            "seed_seconds": round(seed_seconds, 2),
            "full_sync_seconds": round(full_seconds, 2),
            "full_records_per_second": round(full.fetched / full_seconds),
            "full_upstream_calls": full.upstream_calls,
            "full_upstream_calls_per_record": round(full.upstream_calls / full.fetched, 4),
            "changed_records": changed,
            "delta_sync_seconds": round(delta_seconds, 3),
            "delta_records_read": delta.fetched,
            "delta_records_updated": delta.updated,
            "delta_upstream_calls": delta.upstream_calls,
            "delta_share_of_full": round(delta_seconds / full_seconds, 4),
            "rss_before_sync_mb": round(rss_before, 1),
            "peak_rss_mb": round(peak_rss, 1),
        }
    finally:
        if not options.get("keep"):
            path = sandbox_path_for(integration)
            forget_store(path)
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            integration.delete()


# -- SmartRecruiters: the emulator with real limits --------------------------------------------------------------

# Records a SmartRecruiters candidate brings on average with the emulator's seed: the candidate, 1.3 applications and
# their attachments, offers, interviews and notes (measured: ~5 records per candidate).
SMARTRECRUITERS_RECORDS_PER_CANDIDATE = 5


def _smartrecruiters_seed(records: int) -> dict[str, int]:
    candidates = max(2, records // SMARTRECRUITERS_RECORDS_PER_CANDIDATE)
    jobs = max(4, candidates // 50)
    return {
        "seed": 7,
        "users": max(6, jobs),
        "jobs": jobs,
        "candidates": candidates,
        "applications": min(candidates * jobs, candidates * 13 // 10),
    }


def _sync(integration: Integration, run_type: str) -> tuple[SyncRun, float]:
    run, _ = sync_run_request(integration=integration, type=run_type, trigger=SyncRun.Trigger.COMMAND, enqueue=False)
    started = time.perf_counter()
    sync_run_execute(run_id=run.id, time_budget=float("inf"), enqueue_continuation=False)
    elapsed = time.perf_counter() - started
    run.refresh_from_db()
    return run, elapsed


def _run_smartrecruiters(options: dict[str, Any], progress: Callable[[str], Any]) -> dict[str, Any]:
    from apps.connectors.catalog import AuthKind
    from apps.connectors.emulation.server import LoopbackServer
    from apps.connectors.smartrecruiters.connector import SmartRecruitersConnector
    from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, create_app

    seed = _smartrecruiters_seed(options["records"])
    environment = Environment.objects.filter(name=ENVIRONMENT_NAME).first() or environment_create(
        name=ENVIRONMENT_NAME, display_name="Benchmark"
    )
    app = create_app(seed=seed, limits_enabled=True)
    budget = SmartRecruitersConnector.rate_budget
    assert budget is not None
    with LoopbackServer(app) as server:
        integration = integration_create(
            environment=environment, tool="smartrecruiters", end_user_organization_name="Benchmark Inc.",
            auth_kind=AuthKind.API_KEY, credentials={"api_key": DEFAULT_API_KEY}, base_url=server.url,
            setup_status=Integration.SetupStatus.COMPLETED,
        )  # fmt: skip
        integration.sync_all_records = True
        integration.save(update_fields=["sync_all_records"])
        try:
            progress(f"SmartRecruiters emulator on {server.url} with real limits, seeded {seed}; full sync\n")
            full, full_seconds = _sync(integration, SyncRun.Type.FULL)
            full_stats = app.stats.snapshot()
            app.stats.reset()
            state = app.state
            moved = 0
            for application in list(state.applications.values())[: max(1, len(state.applications) // 100)]:
                if application.status in ("NEW", "IN_REVIEW"):
                    with app.lock:
                        state.set_status(application, {"status": "INTERVIEW"})
                    moved += 1
            progress(f"moved {moved} applications; delta sync\n")
            delta, delta_seconds = _sync(integration, SyncRun.Type.DELTA)
            delta_stats = app.stats.snapshot()
            failed = [run for run in (full, delta) if run.status != SyncRun.Status.SUCCEEDED]
            (credential,) = full_stats["credentials"].values()
            return {
                "tool": "smartrecruiters",
                "database": connection.vendor,
                "seed": seed,
                "budget": {
                    "documented_requests_per_second": 10,
                    "booked_requests_per_second": budget.requests_per_second,
                    "max_concurrency": budget.max_concurrency,
                    "concurrency_overrides": budget.concurrency_overrides,
                },
                "records": full.fetched,
                "full_sync_seconds": round(full_seconds, 2),
                "full_upstream_calls": full.upstream_calls,
                "requests_per_record": round(full.upstream_calls / max(1, full.fetched), 3),
                "achieved_requests_per_second": round(full.upstream_calls / full_seconds, 2),
                "emulator_requests_per_second": full_stats["requestsPerSecond"],
                "rate_limited_429": full_stats["rateLimited"] + delta_stats["rateLimited"],
                "peak_rate_per_second": credential["peakRate"],
                "peak_concurrency": credential["peakConcurrency"],
                "moved_applications": moved,
                "delta_sync_seconds": round(delta_seconds, 2),
                "delta_records_read": delta.fetched,
                "delta_records_updated": delta.updated,
                "delta_upstream_calls": delta.upstream_calls,
                "runs": 2,
                "failed_runs": len(failed),
                "errors": [run.error for run in failed],
            }
        finally:
            if not options.get("keep"):
                integration.delete()
