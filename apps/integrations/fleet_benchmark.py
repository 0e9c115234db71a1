"""How fresh a fleet of sandbox integrations stays on a few workers, with the real schedules.

`manage.py benchmark fleet --integrations 1000 --workers 2 --minutes 15 --json` creates that many sandbox
integrations in its own environment (small ATSs of `--small-records` records, and `--large` of them with
`--large-records`), each with a successful FULL in its history at staggered times over the last five minutes
(the steady state; the runs are recorded, not executed, so the first delta of each reads its whole small
sandbox), then starts `--workers` `manage.py qcluster` processes
(`--q-workers` worker processes each) with the schedules of `setup_schedules` (dispatch every minute, deltas
every 5 min, fulls every 6 h) and watches for `--minutes`:

- freshness lag, sampled every `--sample-seconds`: per integration, the time since its last successful sync
  finished (a full counts as much as a delta), p50/p95/max over the fleet, and the large ones on their own;
- the dispatcher's cost per tick (its queries and ms, from the tick's result that django-q2 keeps);
- the task queue depth over time (rows of django-q2's ORM broker);
- the workers' CPU share (user+system time of the qcluster process trees over wall time × CPUs);
- failed runs, runs of one integration that overlapped (two workers on one integration), and task deliveries
  that found their run already taken (harmless duplicates, counted).

The workers are started before the fleet is created (the dispatcher's schedule held back meanwhile), so their
start-up is not measured. Also reported: the load average over the run, how long runs waited for a worker and
took, runs needed vs done per second, the workers' CPU and the time they sat runnable waiting for a CPU (their
share of a loaded machine, from /proc schedstat), PostgreSQL's CPU, the dispatcher's ticks (also those a worker
ran because the scheduled one was stuck behind a backlog, `dispatch_ticks`) and the time between them, runs
deferred by a tool's cap, and runs claimed more than once.

Integrations of other environments are switched off while the workers run (and on again after): the
dispatcher would sync them too. Everything it created is deleted afterwards (`--keep` keeps it). Run it on
PostgreSQL with `DEBUG=false`.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django_q.models import OrmQ, Schedule, Task

from apps.connectors.sandbox.store import forget_store
from apps.core.timeutils import utcnow
from apps.integrations.connectors import sandbox_path_for, sandbox_store_for
from apps.integrations.fleet_measure import ProcessTimes, descendants, load_average, postgres_pids, times
from apps.integrations.models import Environment, Integration, SyncRun
from apps.integrations.services import environment_create, integration_create
from apps.integrations.sync import (
    DEFAULT_DELTA_MINUTES,
    DEFAULT_FULL_MINUTES,
    SCHEDULE_DISPATCH,
    TASK_DISPATCH,
    TASK_EXECUTE,
    schedules_apply,
)

ENVIRONMENT_NAME = "benchmark-fleet"
FIRST_CYCLE_S = (DEFAULT_DELTA_MINUTES + 1) * 60
FULL_INTERVAL = timedelta(minutes=DEFAULT_FULL_MINUTES, seconds=30)
Progress = Callable[[str], Any]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--integrations", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="qcluster processes.")
    parser.add_argument(
        "--q-workers", type=int, default=None, help="Worker processes per qcluster (default: Q_CLUSTER['workers'])."
    )
    parser.add_argument("--minutes", type=float, default=15, help="How long to watch the fleet.")
    parser.add_argument("--sample-seconds", type=float, default=10)
    parser.add_argument("--small-records", type=int, default=40, help="Records of a typical sandbox ATS.")
    parser.add_argument("--large", type=int, default=None, help="How many large ones (default: 1 in 200, >= 1).")
    parser.add_argument("--large-records", type=int, default=3000)
    parser.add_argument("--keep", action="store_true", help="Keep the integrations and their sandboxes.")


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))], 1)


def _clean(environment: Environment) -> None:
    for integration in Integration.objects.filter(environment=environment):
        _forget_sandbox(integration)
        integration.delete()


def _forget_sandbox(integration: Integration) -> None:
    path = sandbox_path_for(integration)
    forget_store(path)
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _create_fleet(environment: Environment, options: dict[str, Any], progress: Progress) -> tuple[list[str], set[str]]:
    """The integrations and their sandboxes, each with a successful FULL run in its history, the runs' times
    spread evenly over the last delta interval: the steady state, where every minute a fifth of the fleet is due
    for its delta (a fleet that just synced all at once would show nothing for five minutes, then a burst)."""
    count = options["integrations"]
    large = options["large"] if options["large"] is not None else max(1, count // 200)
    every = max(1, count // large)
    ids, large_ids, runs = [], set(), []
    now = utcnow()
    for number in range(count):
        integration = integration_create(
            environment=environment, tool="sandbox", end_user_organization_name=f"Fleet {number}",
            end_user_origin_id=f"fleet-{number}", setup_status=Integration.SetupStatus.COMPLETED,
        )  # fmt: skip
        is_large = number % every == 0 and len(large_ids) < large
        sandbox_store_for(integration, records=options["large_records"] if is_large else options["small_records"])
        when = now - timedelta(minutes=DEFAULT_DELTA_MINUTES) * (number + 0.5) / count
        # A large one syncs everything (not only tracked records) and its full is due at the first tick: the
        # fleet sees large full syncs while the small ones' deltas are due (fairness).
        history = [(SyncRun.Type.DELTA, when), (SyncRun.Type.FULL, when - FULL_INTERVAL)] if is_large else [
            (SyncRun.Type.FULL, when)
        ]  # fmt: skip
        runs += [
            SyncRun(
                integration=integration, type=run_type, trigger=SyncRun.Trigger.COMMAND,
                status=SyncRun.Status.SUCCEEDED, sync_all=is_large, watermark=at, started_at=at, finished_at=at,
            )
            for run_type, at in history
        ]  # fmt: skip
        ids.append(integration.id)
        if is_large:
            large_ids.add(integration.id)
        if (number + 1) % 100 == 0:
            progress(f"  {number + 1}/{count} integrations and sandboxes created")
    Integration.objects.filter(id__in=large_ids).update(sync_all_records=True)
    SyncRun.objects.bulk_create(runs)
    # Spread over the delta interval before the measurement starts (creating a large fleet takes minutes), and
    # created_at too (set on insert; the dispatcher reads it).
    shift = utcnow() - now
    for run in runs:
        when = run.started_at + shift
        SyncRun.objects.filter(id=run.id).update(created_at=when, started_at=when, finished_at=when, watermark=when)
    return ids, large_ids


def _lags(ids: list[str], since: datetime) -> dict[str, float]:
    now = utcnow()
    last = dict(
        SyncRun.objects.filter(integration_id__in=ids, status=SyncRun.Status.SUCCEEDED)
        .order_by()  # no Meta.ordering column in the GROUP BY
        .values("integration_id")
        .annotate(last=Max("finished_at"))
        .values_list("integration_id", "last")
    )
    return {integration_id: (now - (last.get(integration_id) or since)).total_seconds() for integration_id in ids}


class _Tracker:
    """CPU and run-queue wait of a set of process trees, summed over every process seen (worker processes that
    django-q2 recycles keep counting with what they had used when last seen), minus what they had at the start."""

    def __init__(self, roots: Callable[[], list[int]]) -> None:
        self.roots = roots
        self.seen: dict[int, ProcessTimes] = {}
        self.before: dict[int, ProcessTimes] = {}
        for pid in self._pids():
            self.before[pid] = times([pid])

    def _pids(self) -> list[int]:
        return [pid for root in self.roots() for pid in descendants(root)]

    def sample(self) -> None:
        for pid in self._pids():
            current = times([pid])
            if current.processes:
                self.seen[pid] = current

    def total(self) -> ProcessTimes:
        used = ProcessTimes()
        for pid, current in self.seen.items():
            used = used + current.minus(self.before.get(pid, ProcessTimes()))
        return used


def _start_clusters(count: int, q_workers: int) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "Q_WORKERS": str(q_workers)}
    return [
        subprocess.Popen(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "qcluster"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        for _ in range(count)
    ]


def _stop(clusters: list[subprocess.Popen[bytes]]) -> None:
    for cluster in clusters:
        if cluster.poll() is None:
            os.killpg(cluster.pid, signal.SIGTERM)
    deadline = time.monotonic() + 60
    for cluster in clusters:
        try:
            cluster.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)


def _overlapping_runs(ids: list[str], since: datetime) -> int:
    """Pairs of runs of one integration that were running at the same time (must be 0)."""
    overlapping = 0
    spans: dict[str, list[tuple[datetime, datetime]]] = {}
    runs = SyncRun.objects.filter(integration_id__in=ids, started_at__gte=since).order_by("started_at")
    for integration_id, started, finished in runs.values_list("integration_id", "started_at", "finished_at"):
        finished = finished or utcnow()
        for _, other_finished in spans.get(integration_id, []):
            if started < other_finished:
                overlapping += 1
        spans.setdefault(integration_id, []).append((started, finished))
    return overlapping


def _collect_ticks(seen: dict[str, tuple[datetime, str, Any]], since: datetime) -> None:
    """The dispatcher's ticks so far (read while the run goes on: django-q2 keeps only `save_limit` tasks)."""
    for task in Task.objects.filter(func=TASK_DISPATCH, started__gte=since).exclude(id__in=list(seen)):
        if task.result is not None:
            seen[task.id] = (task.started, task.group or "", task.result)


def _collect_executions(seen: dict[str, tuple[Any, bool]], since: datetime) -> None:
    """Sync task executions so far (result, success), read while the run goes on like the ticks."""
    tasks = Task.objects.filter(func=TASK_EXECUTE, started__gte=since).exclude(id__in=list(seen))
    for task_id, result, success in tasks.values_list("id", "result", "success"):
        seen[task_id] = (result, success)


def _spread(values: list[float]) -> dict[str, float]:
    return {"p50": _percentile(values, 0.5), "p95": _percentile(values, 0.95), "max": round(max(values, default=0), 1)}


def _run_times(ids: list[str], since: datetime) -> dict[str, Any]:
    """How long runs waited for a worker (queued → started) and took (started → finished), in seconds."""
    waited, took = [], []
    finished = SyncRun.objects.filter(integration_id__in=ids, created_at__gte=since, finished_at__isnull=False)
    for created, started, ended in finished.values_list("created_at", "started_at", "finished_at"):
        if started is not None:
            waited.append((started - created).total_seconds())
            took.append((ended - started).total_seconds())
    return {"waited_s": _spread(waited), "took_s": _spread(took)}


def run(options: dict[str, Any], progress: Progress) -> dict[str, Any]:
    settings.DEBUG = False
    q_workers = options["q_workers"] or int(settings.Q_CLUSTER["workers"])
    environment = Environment.objects.filter(name=ENVIRONMENT_NAME).first() or environment_create(
        name=ENVIRONMENT_NAME, display_name="Fleet benchmark"
    )
    _clean(environment)
    OrmQ.objects.all().delete()
    schedules_apply()
    # The workers start first (under load a qcluster takes half a minute to come up), with the dispatcher's
    # schedule held back until the fleet exists; they dispatch every integration in the database, so the others
    # (another benchmark's, say) sit out.
    Schedule.objects.filter(name=SCHEDULE_DISPATCH).update(next_run=utcnow() + timedelta(days=1))
    others = list(
        Integration.objects.filter(enabled=True).exclude(environment=environment).values_list("id", flat=True)
    )
    Integration.objects.filter(id__in=others).update(enabled=False)
    database = _Tracker(lambda: postgres_pids()[:1])
    clusters = _start_clusters(options["workers"], q_workers)
    try:
        progress(f"creating {options['integrations']} sandbox integrations, each synced once")
        setup_started = time.monotonic()
        ids, large_ids = _create_fleet(environment, options, progress)
        setup_seconds = time.monotonic() - setup_started
    except BaseException:
        _stop(clusters)
        Integration.objects.filter(id__in=others).update(enabled=True)
        raise
    started_at = utcnow()
    Schedule.objects.filter(name=SCHEDULE_DISPATCH).update(next_run=started_at)
    workers = _Tracker(lambda: [cluster.pid for cluster in clusters])
    wall_started = time.monotonic()
    samples: list[dict[str, Any]] = []
    ticks_seen: dict[str, tuple[datetime, str, Any]] = {}
    executions_seen: dict[str, tuple[Any, bool]] = {}
    loads = [load_average()]
    try:
        progress(
            f"watching {len(ids)} integrations on {options['workers']} qcluster processes for {options['minutes']} min"
        )
        deadline = wall_started + options["minutes"] * 60
        while time.monotonic() < deadline:
            time.sleep(options["sample_seconds"])
            lags = _lags(ids, started_at)
            small = [lag for integration_id, lag in lags.items() if integration_id not in large_ids]
            loads.append(load_average())
            samples.append(
                {
                    "t_s": round(time.monotonic() - wall_started),
                    "lag_p50_s": _percentile(small + [lags[i] for i in large_ids], 0.5),
                    "lag_p95_s": _percentile(list(lags.values()), 0.95),
                    "lag_max_s": round(max(lags.values()), 1),
                    "large_lag_max_s": round(max((lags[i] for i in large_ids), default=0.0), 1),
                    "queue_depth": OrmQ.objects.count(),
                    "running": SyncRun.objects.filter(integration_id__in=ids, status=SyncRun.Status.RUNNING).count(),
                    "load_1m": loads[-1],
                }
            )
            workers.sample()
            database.sample()
            _collect_ticks(ticks_seen, started_at)
            _collect_executions(executions_seen, started_at)
            progress(f"  {samples[-1]}")
    finally:
        wall = time.monotonic() - wall_started
        _stop(clusters)
        Integration.objects.filter(id__in=others).update(enabled=True)
    _collect_ticks(ticks_seen, started_at)
    ordered = sorted(ticks_seen.values(), key=lambda tick: tick[0])
    ticks = [result for _, _, result in ordered if isinstance(result, dict) and "queries" in result]
    tick_gaps = [
        round((later[0] - earlier[0]).total_seconds(), 1) for earlier, later in zip(ordered, ordered[1:], strict=False)
    ]
    _collect_executions(executions_seen, started_at)
    runs = SyncRun.objects.filter(integration_id__in=ids, created_at__gte=started_at)
    measured = samples[1:] or samples  # the first sample is taken before the first tick's runs could finish
    used, db_used = workers.total(), database.total()
    cpus = os.cpu_count() or 1
    succeeded = runs.filter(status=SyncRun.Status.SUCCEEDED).count()
    figures = {
        "database": connection.vendor,
        "integrations": len(ids),
        "large_integrations": len(large_ids),
        "workers": options["workers"],
        "q_workers_per_cluster": q_workers,
        "minutes": options["minutes"],
        "setup_seconds": round(setup_seconds, 1),
        "load_average_1m": {
            "start": loads[0],
            "mean": round(sum(loads) / len(loads), 2),
            "max": max(loads),
            "end": loads[-1],
        },  # fmt: skip
        "cpus": cpus,
        "freshness_lag_s": {
            "p50": _percentile([sample["lag_p50_s"] for sample in measured], 0.5),
            "p95": max(sample["lag_p95_s"] for sample in measured),
            "p95_median_of_samples": _percentile([sample["lag_p95_s"] for sample in measured], 0.5),
            # Once every integration has had its first delta: that one reads its sandbox for the first time (its
            # full is recorded, not executed), so the first cycle costs more than the steady state.
            "p95_after_first_cycle": max(
                (sample["lag_p95_s"] for sample in measured if sample["t_s"] > FIRST_CYCLE_S), default=None
            ),
            "max": max(sample["lag_max_s"] for sample in measured),
            "large_max": max(sample["large_lag_max_s"] for sample in measured),
        },
        "dispatcher_ticks": len(ticks),
        "dispatcher_ticks_in_worker": sum(1 for _, group, _ in ordered if group == "sync-dispatch-in-worker"),
        "dispatcher_ticks_skipped": sum(
            1 for *_, result in ordered if isinstance(result, dict) and "skipped" in result
        ),
        "dispatcher_seconds_between_ticks": _spread(tick_gaps),
        "dispatcher_queries_per_tick": sorted({tick.get("queries") for tick in ticks}),
        "dispatcher_ms_per_tick": {
            "p50": _percentile([tick.get("ms", 0.0) for tick in ticks], 0.5),
            "max": max((tick.get("ms", 0.0) for tick in ticks), default=0.0),
        },
        "dispatcher_requested_per_tick": [tick.get("requested") for tick in ticks],
        "dispatcher_deferred_per_tick": [tick.get("deferred", 0) for tick in ticks],
        "queue_depth": {"max": max(s["queue_depth"] for s in samples), "last": samples[-1]["queue_depth"]},
        # Runs needed per second to keep every integration on its delta interval, and what the workers did.
        "runs_needed_per_s": round(len(ids) / (DEFAULT_DELTA_MINUTES * 60), 2),
        "runs_done_per_s": round(succeeded / wall, 2),
        "run_times": _run_times(ids, started_at),
        "worker_cpu_share": round(used.cpu_s / (wall * cpus), 3),
        # Seconds the worker processes sat runnable without a CPU, per second they ran: the machine's share of the
        # limit (0 on an idle machine; above 1, they waited longer for a CPU than they used one).
        "worker_runqueue_wait_per_cpu_s": round(used.runqueue_wait_s / used.cpu_s, 2) if used.cpu_s else None,
        "worker_cpu_s_per_run": round(used.cpu_s / succeeded, 3) if succeeded else None,
        "worker_processes_seen": len(workers.seen),
        "postgres_cpu_share": round(db_used.cpu_s / (wall * cpus), 3) if database.seen else None,
        "runs": {
            "succeeded": succeeded,
            "failed": runs.filter(status=SyncRun.Status.FAILED).count(),
            "still_active": runs.filter(status__in=SyncRun.ACTIVE_STATUSES).count(),
            "overlapping": _overlapping_runs(ids, started_at),
            "claimed_more_than_once": runs.filter(attempts__gt=1).count(),
        },
        "task_executions": len(executions_seen),
        "duplicate_deliveries": sum(1 for result, _ in executions_seen.values() if result == "NOT_CLAIMED"),
        "failed_tasks": sum(1 for _, success in executions_seen.values() if not success),
        "samples": samples,
    }
    if not options["keep"]:
        _clean(environment)
    return figures
