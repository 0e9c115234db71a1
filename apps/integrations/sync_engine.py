"""The sync engine: one claimed run, model by model, page by page (see `apps.integrations.sync` for the whole story).

Each page is written in one transaction together with the model's checkpoint (the connector cursor, our position)
and the run's counters, and only while the worker still holds the run's claim token (`_lock`, else `LostClaim`).
At the end of a model: vanished records are marked (FULL), the vendor's sync token is kept for the next run.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q

from apps.connectors.base import Connector
from apps.connectors.catalog import ReadModel, Scope
from apps.connectors.dtos import Page, RemoteJob
from apps.core.bulk import bulk_insert
from apps.core.timeutils import utcnow
from apps.integrations.models import Integration, SyncRun, SyncRunModel, SyncSeenRecord
from apps.integrations.records import records

logger = logging.getLogger("apps.integrations.sync")

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
# Deltas re-read this much before the last watermark: clocks of the ATS and ours may differ a little, and a
# record committed in the ATS while we read may carry an earlier timestamp. Re-reading is free (content hash).
DELTA_OVERLAP = timedelta(minutes=2)

ProgressCallback = Callable[[SyncRun], None]


class LostClaim(Exception):
    """The run was taken over by another worker (ours was presumed dead); stop without writing."""


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


class SyncEngine:
    def __init__(
        self,
        run: SyncRun,
        token: str,
        connector: Connector,
        *,
        deadline: float,
        progress: ProgressCallback | None,
        max_pages: int | None = None,
    ) -> None:
        self.run = run
        self.integration = run.integration
        self.token = token
        self.connector = connector
        self.deadline = deadline
        self.pages_left = max_pages  # this task's share of pages (fairness, `fleet_limits`); None: no limit
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
            .exclude(type=SyncRun.Type.TARGETED)  # webhooks' targeted reads are no delta's base
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
            if worked and self._used_up():
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
            if self._used_up():  # checked after a page: every task makes progress
                return False

    def _used_up(self) -> bool:
        return time.monotonic() > self.deadline or (self.pages_left is not None and self.pages_left <= 0)

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
        if self.pages_left is not None:
            self.pages_left -= 1
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
            if self.run.type == SyncRun.Type.FULL:  # only a full remembers what it saw
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
        if token is None:
            return
        stored = Integration.objects.filter(id=self.integration.id).values_list("sync_tokens", flat=True).first() or {}
        if stored.get(model.value) != token:
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
