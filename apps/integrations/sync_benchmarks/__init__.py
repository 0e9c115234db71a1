"""`benchmark sync --tool <vendor>`: a FULL sync against the vendor's emulator with its real limits, then a DELTA.

One runner for every vendor. A vendor adds a module here with a `BENCHMARK = EmulatedSyncBenchmark(...)` (how to seed
about N records, the credentials, how to change 1 % of the records in the emulator's state) and one line in
`EMULATED_SYNC_BENCHMARKS`. The emulator is served on loopback with its vendor's limits on and the real clock; the
sync goes through the shared rate limiter as in production.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from apps.connectors.catalog import AuthKind
from apps.connectors.emulation.registry import get_app_factory
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.registry import get_connector_class
from apps.integrations.models import Environment, Integration, SyncRun
from apps.integrations.services import environment_create, integration_create
from apps.integrations.sync import sync_run_execute, sync_run_request

ENVIRONMENT_NAME = "benchmark"

# tool -> dotted path of its `EmulatedSyncBenchmark`; greppable like the connector and emulator registries.
EMULATED_SYNC_BENCHMARKS: dict[str, str] = {
    "ashby": "apps.integrations.sync_benchmarks.ashby.BENCHMARK",
    "factorial": "apps.integrations.sync_benchmarks.factorial.BENCHMARK",
    "greenhouse": "apps.integrations.sync_benchmarks.greenhouse.BENCHMARK",
    "lever": "apps.integrations.sync_benchmarks.lever.BENCHMARK",
    "personio": "apps.integrations.sync_benchmarks.personio.BENCHMARK",
    "smartrecruiters": "apps.integrations.sync_benchmarks.smartrecruiters.BENCHMARK",
    "teamtailor": "apps.integrations.sync_benchmarks.teamtailor.BENCHMARK",
    "workable": "apps.integrations.sync_benchmarks.workable.BENCHMARK",
}


@dataclass(frozen=True)
class EmulatedSyncBenchmark:
    """What the runner needs to know of one vendor."""

    documented_requests_per_second: float  # the vendor's documented limit per credential, for the share achieved
    seed_for: Callable[[int], dict[str, Any]]  # about N records -> the emulator's seed JSON
    credentials: Mapping[str, str]  # API-key credentials the emulator accepts
    change: Callable[[Any], int]  # the emulator app -> records changed (about 1 %), under the app's lock
    auth_kind: AuthKind = AuthKind.API_KEY
    app_options: Mapping[str, Any] = field(default_factory=dict)  # extra `create_app` options
    base_path: str = ""  # appended to the emulator's URL for the integration's base URL (e.g. a region prefix)


def emulated_benchmark(tool: str) -> EmulatedSyncBenchmark:
    module_path, _, attribute = EMULATED_SYNC_BENCHMARKS[tool].rpartition(".")
    return getattr(importlib.import_module(module_path), attribute)


def _sync(integration: Integration, run_type: str) -> tuple[SyncRun, float]:
    run, _ = sync_run_request(integration=integration, type=run_type, trigger=SyncRun.Trigger.COMMAND, enqueue=False)
    started = time.perf_counter()
    sync_run_execute(run_id=run.id, time_budget=float("inf"), enqueue_continuation=False)
    elapsed = time.perf_counter() - started
    run.refresh_from_db()
    return run, elapsed


def run_emulated(tool: str, options: dict[str, Any], progress: Callable[[str], Any]) -> dict[str, Any]:
    benchmark = emulated_benchmark(tool)
    budget = get_connector_class(tool).rate_budget
    assert budget is not None, f"{tool} declares no rate budget"
    seed = benchmark.seed_for(options["records"])
    environment = Environment.objects.filter(name=ENVIRONMENT_NAME).first() or environment_create(
        name=ENVIRONMENT_NAME, display_name="Benchmark"
    )
    app = get_app_factory(tool)(seed=seed, limits_enabled=True, **benchmark.app_options)
    with LoopbackServer(app) as server:
        integration = integration_create(
            environment=environment, tool=tool, end_user_organization_name="Benchmark Inc.",
            auth_kind=benchmark.auth_kind, credentials=dict(benchmark.credentials),
            base_url=server.url + benchmark.base_path,
            setup_status=Integration.SetupStatus.COMPLETED,
        )  # fmt: skip
        integration.sync_all_records = True
        integration.save(update_fields=["sync_all_records"])
        try:
            progress(f"{tool} emulator on {server.url} with real limits, seeded {seed}; full sync\n")
            full, full_seconds = _sync(integration, SyncRun.Type.FULL)
            full_stats = app.stats.snapshot()
            app.stats.reset()
            with app.lock:
                changed = benchmark.change(app)
            progress(f"changed {changed} records; delta sync\n")
            delta, delta_seconds = _sync(integration, SyncRun.Type.DELTA)
            delta_stats = app.stats.snapshot()
            failed = [run for run in (full, delta) if run.status != SyncRun.Status.SUCCEEDED]
            credentials = list(full_stats["credentials"].values())
            achieved = round(full.upstream_calls / full_seconds, 2)  # the share is of the figure printed
            return {
                "tool": tool,
                "database": connection.vendor,
                "seed": seed,
                "budget": {
                    "documented_requests_per_second": benchmark.documented_requests_per_second,
                    "booked_requests_per_second": budget.requests_per_second,
                    "max_concurrency": budget.max_concurrency,
                    "concurrency_overrides": dict(budget.concurrency_overrides),
                    "rate_overrides": dict(budget.rate_overrides),
                },
                "records": full.fetched,
                "full_sync_seconds": round(full_seconds, 2),
                "full_upstream_calls": full.upstream_calls,
                "requests_per_record": round(full.upstream_calls / max(1, full.fetched), 3),
                "achieved_requests_per_second": achieved,
                "share_of_documented_budget": round(achieved / benchmark.documented_requests_per_second, 3),
                "emulator_requests_per_second": full_stats["requestsPerSecond"],
                "rate_limited_429": full_stats["rateLimited"] + delta_stats["rateLimited"],
                "peak_rate_per_second": max((c["peakRate"] for c in credentials), default=0),
                "peak_concurrency": max((c["peakConcurrency"] for c in credentials), default=0),
                "changed_records": changed,
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
