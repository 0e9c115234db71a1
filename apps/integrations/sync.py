"""Sync services: request a run, claim it, execute it page by page with checkpoints, schedule runs.

A run reads every model the connector covers, in dependency order, one page at a time. Each page is written
in one transaction together with the model's checkpoint (the connector cursor, our position) and the run's
counters, and only while the worker still holds the run's claim token. A worker that dies loses at most the
page it was reading; whoever takes the run over continues after the last committed page.

- FULL reads everything; at the end of each model, live records it did not see are marked vanished.
- DELTA reads what changed since the previous successful run's watermark (minus an overlap for clock skew)
  and applies the deletions the connector reports.
- Only tracked candidates/applications are read (by remote id) unless the integration syncs everything.
- Models readable only per parent (coverage `scope` APPLICATION / CANDIDATE: a vendor's per-application offers,
  per-candidate notes, ...) are read for the parents we hold, in chunks passed as `parent_remote_ids`: the tracked
  ones, or all when the integration syncs everything. A FULL run marks vanished only what belongs to those parents.

The parts: `sync_runs` (requesting, claiming, finishing runs; retries), `sync_engine` (one run's pages and
checkpoints), `sync_schedules` (the dispatcher, purging, schedule rows). This module executes a claimed run and keeps
every name importable from here as before the split.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from apps.connectors.errors import ConnectorError
from apps.integrations.models import SyncRun
from apps.integrations.sync_engine import (
    DELTA_OVERLAP,
    PARENT_CHUNK,
    REMOTE_ID_CHUNK,
    STATISTICS_FIRST_REFRESH,
    SYNC_ORDER,
    TRACKED_MODELS,
    LostClaim,
    ProgressCallback,
    SyncEngine,
    planner_setting,
)
from apps.integrations.sync_runs import (
    MAX_RETRIES,
    TASK_EXECUTE,
    RunOutcome,
    _claim,
    _enqueue,
    _finish,
    _record_connector_error,
    stale_after,
    sync_run_request,
)
from apps.integrations.sync_schedules import (
    DEFAULT_DELTA_MINUTES,
    DEFAULT_FULL_MINUTES,
    SCHEDULE_DISPATCH,
    SCHEDULE_HOUSEKEEPING,
    TASK_DISPATCH,
    TASK_HOUSEKEEPING,
    schedules_apply,
    sync_dispatch,
    sync_runs_purge,
)

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_DELTA_MINUTES", "DEFAULT_FULL_MINUTES", "DELTA_OVERLAP", "MAX_RETRIES", "PARENT_CHUNK",
    "REMOTE_ID_CHUNK", "SCHEDULE_DISPATCH", "SCHEDULE_HOUSEKEEPING", "STATISTICS_FIRST_REFRESH", "SYNC_ORDER",
    "TASK_DISPATCH", "TASK_EXECUTE", "TASK_HOUSEKEEPING", "TRACKED_MODELS", "LostClaim", "ProgressCallback",
    "RunOutcome", "planner_setting", "schedules_apply", "stale_after", "sync_dispatch", "sync_run_execute",
    "sync_run_request", "sync_runs_purge", "task_time_budget",
]  # fmt: skip


def task_time_budget() -> float:
    """Seconds one task works on a run before it hands over to a fresh task (below django-q2's timeout)."""
    return float(getattr(settings, "SYNC_TASK_TIME_BUDGET_SECONDS", 0.8 * settings.Q_CLUSTER["timeout"]))


def sync_run_execute(
    *,
    run_id: str,
    token: str | None = None,
    time_budget: float | None = None,
    stale: timedelta | None = None,
    progress: ProgressCallback | None = None,
    enqueue_continuation: bool = True,
) -> RunOutcome:
    """Claim the run and work on it until it is done or the time budget is used up (then a new task goes on)."""
    from apps.integrations.request_log import request_log_scope

    claimed = _claim(run_id, token=token, stale=stale if stale is not None else stale_after())
    if claimed is None:
        return RunOutcome.NOT_CLAIMED
    with request_log_scope(sync_run_id=run_id):  # the run's outbound calls, written at the end of this task
        return _execute_claimed(run_id, claimed, time_budget=time_budget, progress=progress,
                                enqueue_continuation=enqueue_continuation)  # fmt: skip


def _execute_claimed(
    run_id: str,
    claimed: str,
    *,
    time_budget: float | None,
    progress: ProgressCallback | None,
    enqueue_continuation: bool,
) -> RunOutcome:
    from apps.integrations.connectors import connector_for
    from apps.integrations.fleet_limits import slice_pages, slice_seconds
    from apps.integrations.sync_observers import after_sync_attempt

    run = SyncRun.objects.select_related("integration").get(id=run_id)
    max_pages = None
    if time_budget is None:  # a worker's task: it yields after its slice, to the back of the queue (fairness)
        time_budget, max_pages = min(task_time_budget(), slice_seconds()), slice_pages()
    deadline = time.monotonic() + time_budget
    try:
        connector = connector_for(run.integration)
        engine = SyncEngine(run, claimed, connector, deadline=deadline, progress=progress, max_pages=max_pages)
        engine.prepare()
        finished = engine.execute()
    except LostClaim:
        return RunOutcome.LOST
    except ConnectorError as exc:
        outcome = _record_connector_error(run, claimed, exc)
        after_sync_attempt(run, outcome, exc)
        return outcome
    except Exception as exc:
        logger.exception("sync run %s failed", run_id)
        _finish(run, claimed, status=SyncRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        after_sync_attempt(run, RunOutcome.FAILED, exc)
        return RunOutcome.FAILED
    if not finished:
        if enqueue_continuation:
            with transaction.atomic():
                _enqueue(run_id, claimed)
        return RunOutcome.CONTINUED
    _finish(run, claimed, status=SyncRun.Status.SUCCEEDED)
    after_sync_attempt(run, RunOutcome.SUCCEEDED)
    return RunOutcome.SUCCEEDED
