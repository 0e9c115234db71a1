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
"""

from __future__ import annotations

import contextlib
import enum
import json
import logging
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django_q.models import Schedule
from django_q.tasks import async_task

from apps.connectors.base import Connector
from apps.connectors.catalog import ReadModel, Scope
from apps.connectors.dtos import Page, RemoteJob
from apps.connectors.errors import ConnectorAuthError, ConnectorError, ConnectorRateLimited
from apps.core.bulk import bulk_insert
from apps.core.timeutils import utcnow
from apps.integrations.models import Integration, SyncRun, SyncRunModel, SyncSeenRecord
from apps.integrations.records import records
from apps.integrations.webhook_delivery import schedule_apply as webhook_schedule_apply
from apps.integrations.webhook_services import announce_state_if_changed, announce_sync_finished

logger = logging.getLogger(__name__)

# Dependency order: what a model refers to is synced before it.
SYNC_ORDER: tuple[ReadModel, ...] = (
    ReadModel.ROLES,
    ReadModel.USERS,
    ReadModel.TAGS,
    ReadModel.REJECTION_REASONS,
    ReadModel.APPLICATION_STAGES,
    ReadModel.JOBS,
    ReadModel.CANDIDATES,
    ReadModel.APPLICATIONS,
    ReadModel.OFFERS,
    ReadModel.INTERVIEWS,
    ReadModel.NOTES,
    ReadModel.SCORECARDS,
    ReadModel.ATTACHMENTS,
)
TRACKED_MODELS = (ReadModel.CANDIDATES, ReadModel.APPLICATIONS)
REMOTE_ID_CHUNK = 100  # tracked records asked for per read
PARENT_CHUNK = 100  # parents passed per read of a per-parent model
STATISTICS_FIRST_REFRESH = 500  # rows created in a model before the planner statistics are first refreshed

DEFAULT_DELTA_MINUTES = 5
DEFAULT_FULL_MINUTES = 6 * 60
# Deltas re-read this much before the last watermark: clocks of the ATS and ours may differ a little, and a
# record committed in the ATS while we read may carry an earlier timestamp. Re-reading is free (content hash).
DELTA_OVERLAP = timedelta(minutes=2)
MAX_RETRIES = 5  # retryable ATS failures in a row before a run fails
TASK_EXECUTE = "apps.integrations.tasks.sync_run_execute"
TASK_DISPATCH = "apps.integrations.tasks.sync_dispatch"
SCHEDULE_DISPATCH = "tributary.sync_dispatch"
TASK_HOUSEKEEPING = "apps.integrations.tasks.housekeeping"
SCHEDULE_HOUSEKEEPING = "tributary.housekeeping"


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def stale_after() -> timedelta:
    """A RUNNING run whose heartbeat is older than this is taken over (its worker died)."""
    return timedelta(seconds=_setting("SYNC_STALE_AFTER_SECONDS", 600))


def task_time_budget() -> float:
    """Seconds one task works on a run before it hands over to a fresh task (below django-q2's timeout)."""
    return _setting("SYNC_TASK_TIME_BUDGET_SECONDS", 0.8 * settings.Q_CLUSTER["timeout"])


class LostClaim(Exception):
    """The run was taken over by another worker (ours was presumed dead); stop without writing."""


class RunOutcome(enum.StrEnum):
    NOT_CLAIMED = "NOT_CLAIMED"
    SUCCEEDED = "SUCCEEDED"
    CONTINUED = "CONTINUED"  # time budget used up; a fresh task continues
    RETRY_LATER = "RETRY_LATER"  # the ATS asked us to wait
    FAILED = "FAILED"
    LOST = "LOST"


ProgressCallback = Callable[[SyncRun], None]


# -- requesting runs -----------------------------------------------------------------------------------


def _enqueue(run_id: str, token: str | None = None) -> None:
    transaction.on_commit(lambda: async_task(TASK_EXECUTE, run_id, token, group=f"sync:{run_id}"))


def sync_run_request(
    *, integration: Integration, type: str, trigger: str, enqueue: bool = True
) -> tuple[SyncRun, bool]:
    """Queue a run, or return the one already waiting. Returns (run, already_queued).

    A run may wait while another runs: changes made now are then picked up by the waiting one.
    """
    from apps.integrations.enabled import ensure_enabled

    ensure_enabled(integration)
    existing = SyncRun.objects.filter(integration=integration, status=SyncRun.Status.QUEUED).first()
    if existing is not None:
        return existing, True
    if type == SyncRun.Type.DELTA and not _has_delta_base(integration):
        # Answer with what will run: a delta needs a previous successful run of the same scope (see prepare()).
        type = SyncRun.Type.FULL
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(
                integration=integration, type=type, trigger=trigger, sync_all=integration.sync_all_records
            )
    except IntegrityError:
        existing = SyncRun.objects.filter(integration=integration, status=SyncRun.Status.QUEUED).first()
        if existing is None:  # it started in between: ask again
            return sync_run_request(integration=integration, type=type, trigger=trigger, enqueue=enqueue)
        return existing, True
    if enqueue:
        _enqueue(run.id)
    return run, False


def _has_delta_base(integration: Integration) -> bool:
    """Whether a DELTA requested now can run as one: a run is active, or one succeeded with this scope."""
    if SyncRun.objects.filter(integration=integration, status=SyncRun.Status.RUNNING).exists():
        return True
    return SyncRun.objects.filter(
        integration=integration,
        status=SyncRun.Status.SUCCEEDED,
        watermark__isnull=False,
        sync_all=integration.sync_all_records,
    ).exists()


# -- claiming ------------------------------------------------------------------------------------------


def _claim(run_id: str, *, token: str | None, stale: timedelta) -> str | None:
    """Take the run: continue with our token, start a QUEUED run, or take over a RUNNING one gone stale."""
    now = utcnow()
    new_token = secrets.token_hex(16)
    if token:
        # A continuation: the token passes to a fresh one, so two deliveries of it cannot both go on.
        if SyncRun.objects.filter(id=run_id, status=SyncRun.Status.RUNNING, claim_token=token).update(
            claim_token=new_token, heartbeat_at=now, not_before=None
        ):
            return new_token
    due = Q(not_before__isnull=True) | Q(not_before__lte=now)
    try:
        with transaction.atomic():
            claimed = (
                SyncRun.objects.filter(id=run_id, status=SyncRun.Status.QUEUED)
                .filter(due)
                .update(
                    status=SyncRun.Status.RUNNING,
                    claim_token=new_token,
                    attempts=F("attempts") + 1,
                    heartbeat_at=now,
                    started_at=Coalesce("started_at", now),
                    not_before=None,
                )  # fmt: skip
            )
    except IntegrityError:
        return None  # another run of this integration is RUNNING; this one waits for it
    if claimed:
        return new_token
    taken_over = (
        SyncRun.objects.filter(id=run_id, status=SyncRun.Status.RUNNING, heartbeat_at__lt=now - stale)
        .filter(due)
        .update(claim_token=new_token, attempts=F("attempts") + 1, heartbeat_at=now, not_before=None)
    )
    if taken_over:
        logger.warning("sync run %s taken over from a worker that stopped answering", run_id)
        return new_token
    return None


# -- executing -----------------------------------------------------------------------------------------


@dataclass
class _Plan:
    model: ReadModel
    # "list" (everything / changed), "ids" (tracked records by remote id) or "parents" (per parent, `scope`)
    mode: str
    scope: Scope = Scope.NONE


def _tracked_queryset(integration: Integration, model: ReadModel) -> Any:
    applications = records.RECORD_MODELS[ReadModel.APPLICATIONS].objects  # type: ignore[attr-defined]
    if model == ReadModel.CANDIDATES:
        tracked_applications = applications.filter(integration=integration, tracked_at__isnull=False)
        candidates = records.RECORD_MODELS[model].objects  # type: ignore[attr-defined]
        return candidates.filter(integration=integration).filter(
            Q(tracked_at__isnull=False) | Q(id__in=tracked_applications.values("candidate_id"))
        )
    return applications.filter(integration=integration, tracked_at__isnull=False)


def _parent_queryset(integration: Integration, scope: Scope, *, sync_all: bool, live: bool = True) -> Any:
    """The parents a per-parent model is read for (`live`): tracked candidates/applications, or all we hold.
    With `live=False` also the ones gone from the ATS: their children are gone too."""
    model = ReadModel.APPLICATIONS if scope == Scope.APPLICATION else ReadModel.CANDIDATES
    if sync_all:
        queryset = records.RECORD_MODELS[model].objects.filter(integration=integration)  # type: ignore[attr-defined]
    else:
        queryset = _tracked_queryset(integration, model)
    queryset = queryset.filter(remote_id__isnull=False)
    return queryset.filter(remote_deleted_at__isnull=True) if live else queryset


def _records_of_parents(model: ReadModel, scope: Scope, parents: Any) -> Any:
    """Records of `model` that belong to `parents` (a queryset of applications or candidates)."""
    record_model = records.RECORD_MODELS[model]
    field_names = {field.name for field in record_model._meta.get_fields()}  # type: ignore[attr-defined]
    if scope == Scope.APPLICATION:
        return record_model.objects.filter(application__in=parents)  # type: ignore[attr-defined]
    if "candidate" in field_names:
        return record_model.objects.filter(candidate__in=parents)  # type: ignore[attr-defined]
    return record_model.objects.filter(application__candidate__in=parents)  # type: ignore[attr-defined]


class _Engine:
    def __init__(
        self,
        run: SyncRun,
        token: str,
        connector: Connector,
        *,
        deadline: float,
        progress: ProgressCallback | None,
    ) -> None:
        self.run = run
        self.integration = run.integration
        self.token = token
        self.connector = connector
        self.deadline = deadline
        self.progress = progress
        self.calls_committed = connector.upstream_calls()
        self.created_by_model: dict[ReadModel, int] = {}

    # preparation happens once, at the first claim
    def prepare(self) -> None:
        if self.run.model_checkpoints.exists():
            return
        now = utcnow()
        previous = (
            SyncRun.objects.filter(integration=self.integration, status=SyncRun.Status.SUCCEEDED)
            .exclude(id=self.run.id)
            .order_by("-finished_at")
            .first()
        )
        run_type = self.run.type
        updated_since = None
        if run_type == SyncRun.Type.DELTA:
            if previous is None or previous.watermark is None or previous.sync_all != self.run.sync_all:
                run_type = SyncRun.Type.FULL  # nothing to be a delta of (or the scope widened): read everything
            else:
                updated_since = previous.watermark - DELTA_OVERLAP
        models = [model for model in SYNC_ORDER if self.connector.covers(model)]
        if ReadModel.JOBS in models and ReadModel.APPLICATION_STAGES in models:
            models.remove(ReadModel.APPLICATION_STAGES)  # jobs carry their stages (the list is deprecated)
        with transaction.atomic():
            self._lock()
            SyncRunModel.objects.bulk_create(
                SyncRunModel(run=self.run, model=model.value, position=position)
                for position, model in enumerate(models)
            )
            SyncRun.objects.filter(id=self.run.id).update(
                type=run_type, updated_since=updated_since, watermark=now, models_total=len(models)
            )
        self.run.refresh_from_db()

    def execute(self) -> bool:
        """Sync every pending model; False when the time budget ran out first."""
        worked = False
        for checkpoint in self.run.model_checkpoints.order_by("position"):
            if checkpoint.status in (SyncRunModel.Status.DONE, SyncRunModel.Status.SKIPPED):
                continue
            if worked and time.monotonic() > self.deadline:
                return False
            if not self._sync_model(checkpoint):
                return False
            worked = True
        return True

    # -- one model ---------------------------------------------------------------------------------

    def _plan(self, model: ReadModel) -> _Plan:
        coverage = self.connector.coverage_for(model)
        if coverage is not None and coverage.scope != Scope.NONE:
            return _Plan(model, "parents", coverage.scope)
        if model in TRACKED_MODELS and not self.run.sync_all and coverage is not None and coverage.supports_remote_ids:
            return _Plan(model, "ids")
        return _Plan(model, "list")

    def _sync_model(self, checkpoint: SyncRunModel) -> bool:
        model = ReadModel(checkpoint.model)
        plan = self._plan(model)
        state: dict[str, Any] = json.loads(checkpoint.cursor) if checkpoint.cursor else {}
        if checkpoint.status == SyncRunModel.Status.PENDING:
            SyncRunModel.objects.filter(id=checkpoint.id).update(
                status=SyncRunModel.Status.RUNNING, started_at=utcnow()
            )
            SyncRun.objects.filter(id=self.run.id, claim_token=self.token).update(current_model=model.value)
        full = self.run.type == SyncRun.Type.FULL
        while True:
            if plan.mode in ("ids", "parents"):
                chunk = state.get("chunk")
                if chunk is None:
                    if plan.mode == "ids":
                        source, size = _tracked_queryset(self.integration, model), REMOTE_ID_CHUNK
                    else:
                        source = _parent_queryset(self.integration, plan.scope, sync_all=self.run.sync_all)
                        size = PARENT_CHUNK
                    chunk = list(
                        source.filter(remote_id__gt=state.get("after", ""))
                        .order_by("remote_id")
                        .values_list("remote_id", flat=True)[:size]
                    )
                    if not chunk:
                        self._finish_model(checkpoint, model, plan)
                        return True
                    state = {**state, "chunk": chunk, "cursor": None, "got": []}
                if plan.mode == "ids":
                    page = self.connector.read(
                        model, cursor=state.get("cursor"), remote_ids=chunk, updated_since=self.run.updated_since
                    )
                else:
                    page = self.connector.read(
                        model, cursor=state.get("cursor"), parent_remote_ids=chunk, updated_since=self.run.updated_since
                    )
            else:
                page = self.connector.read(model, cursor=state.get("cursor"), updated_since=self.run.updated_since)
            state = self._commit_page(checkpoint, model, plan, page, state, full=full)
            if self.progress is not None:
                self.progress(self.run)
            if plan.mode == "list" and state.get("cursor") is None:
                self._finish_model(checkpoint, model, plan)
                return True
            if time.monotonic() > self.deadline:  # checked after a page: every task makes progress
                return False

    def _commit_page(
        self,
        checkpoint: SyncRunModel,
        model: ReadModel,
        plan: _Plan,
        page: Page[Any],
        state: dict[str, Any],
        *,
        full: bool,
    ) -> dict[str, Any]:
        now = utcnow()
        items = list(page.items)
        deleted_ids = list(page.deleted_remote_ids)
        if plan.mode == "list" and model in TRACKED_MODELS and not self.run.sync_all:
            # The connector cannot read by remote id: read everything, keep the tracked ones.
            tracked = set(
                _tracked_queryset(self.integration, model)
                .filter(remote_id__in=[item.remote_id for item in items] + deleted_ids)
                .values_list("remote_id", flat=True)
            )
            items = [item for item in items if item.remote_id in tracked]
            deleted_ids = [remote_id for remote_id in deleted_ids if remote_id in tracked]
        new_state = dict(state)
        new_state["cursor"] = page.next_cursor
        if plan.mode == "parents" and page.next_cursor is None:
            new_state = {"after": state["chunk"][-1]}
        if plan.mode == "ids":
            got = list(state.get("got", [])) + [item.remote_id for item in page.items]
            new_state["got"] = got
            if page.next_cursor is None:
                chunk = state["chunk"]
                if full:  # asked for these, the ATS no longer has them
                    returned = set(got)
                    deleted_ids += [remote_id for remote_id in chunk if remote_id not in returned]
                new_state = {"after": chunk[-1]}
        with transaction.atomic():
            self._lock()
            result = records.records_upsert(integration=self.integration, model=model, records=items, now=now)
            removed = records.records_mark_deleted(
                integration=self.integration, model=model, remote_ids=sorted(set(deleted_ids)), now=now
            )
            if full and plan.mode in ("list", "parents"):
                self._remember_seen(model, [item.remote_id for item in page.items])
                if model == ReadModel.JOBS:
                    stage_ids = [
                        stage.remote_id for job in page.items if isinstance(job, RemoteJob) for stage in job.stages
                    ]
                    self._remember_seen(ReadModel.APPLICATION_STAGES, stage_ids)
            calls = self.connector.upstream_calls()
            counters = {
                "fetched": len(page.items), "created": result.created, "updated": result.updated,
                "unchanged": result.unchanged, "skipped": result.skipped, "deleted": removed,
            }  # fmt: skip
            SyncRunModel.objects.filter(id=checkpoint.id).update(
                cursor=json.dumps(new_state), pages=F("pages") + 1,
                **{name: F(name) + value for name, value in counters.items()},
            )  # fmt: skip
            SyncRun.objects.filter(id=self.run.id).update(
                heartbeat_at=now, upstream_calls=F("upstream_calls") + (calls - self.calls_committed), retries=0,
                **{name: F(name) + value for name, value in counters.items()},
            )  # fmt: skip
        self.calls_committed = calls
        # Each time the rows created for this model in this run double (from 500), refresh the planner's view.
        created_before = self.created_by_model.get(model, checkpoint.created)
        created_now = created_before + result.created
        self.created_by_model[model] = created_now
        if created_now >= STATISTICS_FIRST_REFRESH and created_now.bit_length() > max(created_before, 1).bit_length():
            records.records_refresh_statistics(model=model)
        if self.progress is not None:
            self.run.refresh_from_db()
        return new_state

    def _finish_model(self, checkpoint: SyncRunModel, model: ReadModel, plan: _Plan) -> None:
        now = utcnow()
        with transaction.atomic():
            self._lock()
            vanished = 0
            if self.run.type == SyncRun.Type.FULL and plan.mode in ("list", "parents"):
                only = None
                if plan.mode == "parents":
                    parents = _parent_queryset(self.integration, plan.scope, sync_all=self.run.sync_all, live=False)
                    only = _records_of_parents(model, plan.scope, parents).filter(integration=self.integration)
                elif model in TRACKED_MODELS and not self.run.sync_all:
                    only = _tracked_queryset(self.integration, model)
                vanished = self._mark_vanished(model, now, only=only)
                if model == ReadModel.JOBS:
                    vanished += self._mark_vanished(ReadModel.APPLICATION_STAGES, now)
            SyncSeenRecord.objects.filter(run=self.run).delete()
            self._store_sync_token(model)
            SyncRunModel.objects.filter(id=checkpoint.id).update(
                status=SyncRunModel.Status.DONE, finished_at=now, deleted=F("deleted") + vanished
            )
            SyncRun.objects.filter(id=self.run.id).update(
                models_done=F("models_done") + 1, deleted=F("deleted") + vanished, heartbeat_at=now
            )
        self.run.refresh_from_db()
        if self.progress is not None:
            self.progress(self.run)

    # -- helpers -----------------------------------------------------------------------------------

    def _store_sync_token(self, model: ReadModel) -> None:
        """Keep the vendor's incremental-sync token of a completely read model for the next run (if it has one)."""
        token = self.connector.sync_token(model)
        stored = Integration.objects.filter(id=self.integration.id).values_list("sync_tokens", flat=True).first() or {}
        if token is not None and stored.get(model.value) != token:
            Integration.objects.filter(id=self.integration.id).update(sync_tokens={**stored, model.value: token})

    def _lock(self) -> None:
        """Inside a transaction: lock our run row (and beat the heart), or stop if the claim is no longer ours."""
        if not SyncRun.objects.filter(id=self.run.id, claim_token=self.token).update(heartbeat_at=utcnow()):
            raise LostClaim(self.run.id)

    def _remember_seen(self, model: ReadModel, remote_ids: Sequence[str]) -> None:
        bulk_insert(
            SyncSeenRecord,
            [{"run_id": self.run.id, "model": model.value, "remote_id": remote_id} for remote_id in remote_ids],
        )

    def _mark_vanished(self, model: ReadModel, now: datetime, *, only: Any = None) -> int:
        seen = SyncSeenRecord.objects.filter(run=self.run, model=model.value)
        if model == ReadModel.APPLICATION_STAGES and not seen.exists():
            return 0
        if only is None and model == ReadModel.APPLICATION_STAGES:
            only = records.RECORD_MODELS[model].objects.filter(integration=self.integration)  # type: ignore[attr-defined]
        # Statistics of freshly filled tables say "1 row", so the planner picks a nested loop that compares every
        # record with every seen id (quadratic). A hash anti join is linear: no nested loops for this statement.
        with planner_setting("enable_nestloop", "off"):
            return records.records_mark_vanished(
                integration=self.integration, model=model, seen_remote_ids=seen, now=now, only=only
            )


@contextlib.contextmanager
def planner_setting(name: str, value: str) -> Iterator[None]:
    """A PostgreSQL planner setting for the statements inside (restored after, also within an outer transaction)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        previous = cursor.fetchone()[0]
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [name, previous])


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
    from apps.integrations.sync_observers import after_sync_attempt

    run = SyncRun.objects.select_related("integration").get(id=run_id)
    deadline = time.monotonic() + (time_budget if time_budget is not None else task_time_budget())
    try:
        connector = connector_for(run.integration)
        engine = _Engine(run, claimed, connector, deadline=deadline, progress=progress)
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


def _finish(run: SyncRun, token: str, *, status: str, error: str = "") -> None:
    now = utcnow()
    with transaction.atomic():
        done = SyncRun.objects.filter(id=run.id, claim_token=token).update(
            status=status, finished_at=now, error=error[:5000], current_model="", claim_token=""
        )
        if done and status == SyncRun.Status.SUCCEEDED:
            Integration.objects.filter(id=run.integration_id).update(last_error="")
        if done:
            announce_sync_finished(run_id=run.id)
        waiting = SyncRun.objects.filter(integration_id=run.integration_id, status=SyncRun.Status.QUEUED).first()
        if done and waiting is not None:
            _enqueue(waiting.id)
    if done:
        _log_finished(run.id)


def _log_finished(run_id: str) -> None:
    """One log line per finished run (a JSON object with LOG_FORMAT=json)."""
    run = SyncRun.objects.get(id=run_id)
    logger.info(
        "sync run %s %s",
        run.id,
        run.status,
        extra={
            "sync_run": {
                "id": run.id,
                "integration": run.integration_id,
                "type": run.type,
                "trigger": run.trigger,
                "status": run.status,
                "attempts": run.attempts,
                "fetched": run.fetched,
                "created": run.created,
                "updated": run.updated,
                "deleted": run.deleted,
                "duration_ms": round((run.finished_at - run.started_at).total_seconds() * 1000)
                if run.started_at and run.finished_at
                else None,
            }
        },
    )


def _record_connector_error(run: SyncRun, token: str, exc: ConnectorError) -> RunOutcome:
    message = exc.message + (f" (ATS: {exc.remote_message})" if exc.remote_message else "")
    run.refresh_from_db()
    if exc.retryable and run.retries < MAX_RETRIES:
        wait = exc.retry_after if isinstance(exc, ConnectorRateLimited) and exc.retry_after else 30 * 2**run.retries
        resume_at = utcnow() + timedelta(seconds=wait)
        # The run keeps its claim; its heartbeat is set to when it resumes, so nobody takes it over meanwhile.
        updated = SyncRun.objects.filter(id=run.id, claim_token=token).update(
            retries=F("retries") + 1, not_before=resume_at, heartbeat_at=resume_at, error=message[:5000]
        )
        if updated:
            Schedule.objects.create(
                name=f"sync-retry:{run.id}:{run.retries + 1}",
                func=TASK_EXECUTE,
                args=repr((run.id, token)),
                schedule_type=Schedule.ONCE,
                repeats=-1,
                next_run=resume_at,
            )
        logger.warning("sync run %s: %s; retrying at %s", run.id, message, resume_at.isoformat())
        return RunOutcome.RETRY_LATER
    _finish(run, token, status=SyncRun.Status.FAILED, error=message)
    if isinstance(exc, ConnectorAuthError):
        Integration.objects.filter(id=run.integration_id).update(state=Integration.State.INVALID, last_error=message)
        announce_state_if_changed(integration_id=run.integration_id)
    else:
        Integration.objects.filter(id=run.integration_id).update(last_error=message)
    return RunOutcome.FAILED


# -- schedules -------------------------------------------------------------------------------------


def sync_dispatch(*, now: datetime | None = None, stale: timedelta | None = None) -> dict[str, int]:
    """Run every minute by the scheduler: queue due syncs, re-send lost tasks, take over dead workers' runs.

    A fixed number of queries per tick, whatever the fleet size (see `apps.integrations.dispatch`)."""
    from apps.integrations.dispatch import dispatch

    return dispatch(now=now, stale=stale if stale is not None else stale_after())


def sync_runs_purge(*, now: datetime | None = None) -> int:
    """Delete finished runs older than `SYNC_RUN_RETENTION_DAYS`, keeping each integration's latest successful
    run per type and scope (a delta's base); their checkpoints go with them. Returns how many runs."""
    cutoff = (now or utcnow()) - timedelta(days=settings.SYNC_RUN_RETENTION_DAYS)
    latest_successful = (
        SyncRun.objects.filter(
            integration_id=OuterRef("integration_id"),
            type=OuterRef("type"),
            sync_all=OuterRef("sync_all"),
            status=SyncRun.Status.SUCCEEDED,
        )
        .order_by("-finished_at", "-id")
        .values("id")[:1]
    )
    old = SyncRun.objects.filter(
        status__in=(SyncRun.Status.SUCCEEDED, SyncRun.Status.FAILED, SyncRun.Status.CANCELED), finished_at__lt=cutoff
    ).exclude(id=Subquery(latest_successful))
    _, by_model = old.delete()
    return by_model.get(SyncRun._meta.label, 0)


def schedules_apply() -> list[str]:
    """Create or update every django-q2 schedule of Tributary (idempotent); returns their names."""
    Schedule.objects.update_or_create(
        name=SCHEDULE_DISPATCH,
        defaults={
            "func": TASK_DISPATCH,
            # Every minute (https://crontab.guru/#*_*_*_*_*): due deltas (5 min) and fulls (6 h) per
            # integration are decided inside, so per-integration overrides need no schedule rows.
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
    Schedule.objects.update_or_create(
        name=SCHEDULE_HOUSEKEEPING,
        defaults={"func": TASK_HOUSEKEEPING, "schedule_type": Schedule.HOURLY, "repeats": -1},
    )
    return [SCHEDULE_DISPATCH, SCHEDULE_HOUSEKEEPING, webhook_schedule_apply()]
