"""Sync throughput: a FULL sync of about --records records, then a DELTA after 1% of them changed.

Sync-all mode (every candidate and application), into the configured database (run it on PostgreSQL).
- `--tool sandbox` (default): the in-process sandbox ATS. Prints records/s, upstream calls per record, the delta's
  share of the full sync's time and peak RSS.
- `--tool <vendor>` (`apps/integrations/sync_benchmarks/`): the vendor's emulator served on loopback with its real
  limits on and the real clock; the sync goes through the shared rate limiter as in production. Prints the requests
  per second achieved and its share of the vendor's budget, requests per synced record, 429s, the peak rate and
  concurrency the emulator saw, and the number of failed runs.
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
from apps.integrations.sync_benchmarks import EMULATED_SYNC_BENCHMARKS, run_emulated

ENVIRONMENT_NAME = "benchmark"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--records", type=int, default=50_000, help="Records in the ATS (default 50000).")
    parser.add_argument("--keep", action="store_true", help="Keep the integration and its data afterwards.")
    parser.add_argument(
        "--tool",
        choices=("sandbox", *sorted(EMULATED_SYNC_BENCHMARKS)),
        default="sandbox",
        help="The ATS: the in-process sandbox, or a vendor's emulator with its real rate limits.",
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
    if options.get("tool", "sandbox") != "sandbox":
        return run_emulated(options["tool"], options, progress)
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
