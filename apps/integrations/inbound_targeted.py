"""The targeted delta: read exactly the records inbound webhooks named, and store them as a sync does.

One per integration at a time (`InboundTargetedLock`); targets arriving meanwhile wait in `InboundPendingTarget`
and the running one takes them in its next batch (bursts coalesce: a record named ten times is read once). Each
batch is one `SyncRun` of type TARGETED (never a delta's base) and reads through the connector built as every
sync builds it, so the shared rate budget applies. Per model:

- with coverage `supports_remote_ids`: `read(model, remote_ids=[...])`; a named record absent from the answer
  is gone, and marked deleted where the tool reports deletions (as a delta would);
- else an `updated_since` delta of that model from the earliest event (minus the sync overlap); without
  `updated_since` either, the model is read whole (nothing is marked vanished: that is the full sync's job).

A target with an aspect (`WebhookTarget.aspect`, kept in the pending row's `model` as `<model>#<aspect>`) is read
with `Connector.read_aspect`, given the `remote_data` we hold, unless the batch also names it whole or with another
aspect; the record it returns is whole and goes through the same upsert as any other.

An application named brings its candidate (read by id where the tool can) and its job when we do not hold them:
the application refers to both; a candidate the event itself changed is named by the connector. Only-tracked
integrations keep only tracked candidates and applications, as the scheduled sync does. The batch's writes, the
run row, the freshness figures and the outgoing `data-changed` are committed together.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django_q.tasks import async_task

from apps.connectors.base import Connector
from apps.connectors.catalog import ReadModel, Scope
from apps.connectors.dtos import RemoteApplication
from apps.connectors.errors import ConnectorError
from apps.connectors.webhooks import WebhookTarget
from apps.core.timeutils import utcnow
from apps.integrations.enabled import is_disabled
from apps.integrations.models import (
    InboundDelivery,
    InboundFreshness,
    InboundPendingTarget,
    InboundTargetedLock,
    Integration,
    SyncRun,
    SyncRunModel,
)
from apps.integrations.records import records
from apps.integrations.sync_engine import DELTA_OVERLAP, REMOTE_ID_CHUNK, SYNC_ORDER, TRACKED_MODELS, _tracked_queryset

logger = logging.getLogger("apps.integrations.inbound")

BATCH = 1000  # pending targets taken per batch
MAX_ATTEMPTS = 3  # failed targeted reads of a target before it is left to the scheduled delta
TASK_TARGETED = "apps.integrations.inbound_tasks.inbound_targeted_sync"


ASPECT_SEPARATOR = "#"


def pending_model(target: WebhookTarget) -> str:
    """The pending row's `model`: the model's value, with the target's aspect after `#` when it has one."""
    return f"{target.model.value}{ASPECT_SEPARATOR}{target.aspect}" if target.aspect else target.model.value


def _pending_target(value: str) -> tuple[ReadModel, str | None] | None:
    name, _, aspect = value.partition(ASPECT_SEPARATOR)
    try:
        return ReadModel(name), aspect or None
    except ValueError:
        return None


def _stale() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "INBOUND_TARGETED_STALE_SECONDS", 120)))


def _slice() -> float:
    """How long one task works off batches before it hands over to a fresh task at the end of the queue. Under
    sustained events the pending set is never empty: without a slice the task would hold its worker for as long
    as they come, and the tasks queued behind it (the outgoing `data-changed` deliveries) would wait, measured at
    up to 26 s while a scheduled delta held the other of two workers (`benchmark freshness`)."""
    return float(getattr(settings, "INBOUND_TARGETED_SLICE_SECONDS", 1.0))


def targeted_enqueue(integration_id: str, *, delay: float | None = None) -> None:
    if delay:
        from django_q.models import Schedule

        Schedule.objects.create(
            name=f"inbound-retry:{integration_id}:{secrets.token_hex(4)}", func=TASK_TARGETED,
            args=repr((integration_id,)), schedule_type=Schedule.ONCE, repeats=-1,
            next_run=utcnow() + timedelta(seconds=delay),
        )  # fmt: skip
        return
    async_task(TASK_TARGETED, integration_id, group=f"inbound:{integration_id}")


def targeted_enqueue_unless_running(integration_id: str) -> None:
    """After new targets committed: a task, unless a targeted delta of the integration runs (not gone stale). That
    one takes them: it reads pending targets until none is left, and looks once more after releasing its lock,
    which happens after our lock check saw it held, so after our targets were committed."""
    held = InboundTargetedLock.objects.filter(integration_id=integration_id, heartbeat_at__gte=utcnow() - _stale())
    if not held.exists():
        targeted_enqueue(integration_id)


# -- the lock ------------------------------------------------------------------------------------------


def _lock_take(integration_id: str) -> str | None:
    token = secrets.token_hex(16)
    now = utcnow()
    try:
        with transaction.atomic():
            InboundTargetedLock.objects.create(integration_id=integration_id, token=token, heartbeat_at=now)
        return token
    except IntegrityError:
        pass
    taken = InboundTargetedLock.objects.filter(integration_id=integration_id, heartbeat_at__lt=now - _stale()).update(
        token=token, heartbeat_at=now
    )
    return token if taken else None


def _lock_beat(integration_id: str, token: str) -> bool:
    return bool(
        InboundTargetedLock.objects.filter(integration_id=integration_id, token=token).update(heartbeat_at=utcnow())
    )


def _lock_release(integration_id: str, token: str) -> None:
    InboundTargetedLock.objects.filter(integration_id=integration_id, token=token).delete()


# -- one batch -----------------------------------------------------------------------------------------


@dataclass
class _Batch:
    targets: dict[ReadModel, dict[str, datetime]] = field(default_factory=dict)  # model → remote id → first event
    # model → remote id → its aspect, or None once it is named whole or with two aspects (then it is read whole)
    aspects: dict[ReadModel, dict[str, str | None]] = field(default_factory=dict)
    deliveries: list[int] = field(default_factory=list)  # accepted deliveries whose targets are all in hand
    rows: list[tuple[str, str, datetime, int]] = field(default_factory=list)  # (model, remote id, first, attempts)

    def add(self, model: ReadModel, remote_id: str, at: datetime, aspect: str | None = None) -> None:
        known = self.targets.setdefault(model, {})
        aspects = self.aspects.setdefault(model, {})
        aspects[remote_id] = aspect if remote_id not in known or aspects.get(remote_id) == aspect else None
        known[remote_id] = min(at, known.get(remote_id, at))

    def whole(self, model: ReadModel) -> list[str]:
        return [remote_id for remote_id in self.targets.get(model, {}) if self.aspects[model][remote_id] is None]

    def by_aspect(self, model: ReadModel) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for remote_id, aspect in self.aspects.get(model, {}).items():
            if aspect is not None:
                grouped.setdefault(aspect, []).append(remote_id)
        return grouped

    @property
    def earliest(self) -> datetime | None:
        return min((at for ids in self.targets.values() for at in ids.values()), default=None)


def _take(integration_id: str) -> _Batch | None:
    with transaction.atomic():
        # The deliveries visible now have their targets committed with them: in this batch or an earlier one.
        deliveries = list(
            InboundDelivery.objects.filter(
                integration_id=integration_id, outcome=InboundDelivery.Outcome.ACCEPTED, processed_at__isnull=True
            ).values_list("id", flat=True)
        )
        pending = list(
            InboundPendingTarget.objects.select_for_update(skip_locked=True)
            .filter(integration_id=integration_id)
            .order_by("first_event_at", "id")[:BATCH]
        )
        if not pending:
            if deliveries:
                InboundDelivery.objects.filter(id__in=deliveries).update(processed_at=utcnow())
            return None
        InboundPendingTarget.objects.filter(id__in=[row.id for row in pending]).delete()
    batch = _Batch(deliveries=deliveries if len(pending) < BATCH else [])
    for row in pending:
        parsed = _pending_target(row.model)
        if parsed is None:
            continue
        batch.add(parsed[0], row.remote_id, row.first_event_at, parsed[1])
        batch.rows.append((row.model, row.remote_id, row.first_event_at, row.attempts))
    return batch


def _put_back(integration_id: str, batch: _Batch) -> int:
    """After a failed read: the targets wait for the next attempt (at most MAX_ATTEMPTS)."""
    kept = 0
    for model, remote_id, first, attempts in batch.rows:
        if attempts + 1 >= MAX_ATTEMPTS:
            continue
        row, created = InboundPendingTarget.objects.get_or_create(
            integration_id=integration_id, model=model, remote_id=remote_id,
            defaults={"first_event_at": first, "attempts": attempts + 1},
        )  # fmt: skip
        if not created:
            InboundPendingTarget.objects.filter(id=row.id).update(attempts=F("attempts") + 1)
        kept += 1
    return kept


@dataclass
class _Read:
    items: list[Any] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def _read_all(connector: Connector, model: ReadModel, **kwargs: Any) -> _Read:
    result, cursor = _Read(), None
    while True:
        page = connector.read(model, cursor=cursor, **kwargs)
        result.items.extend(page.items)
        result.deleted.extend(page.deleted_remote_ids)
        cursor = page.next_cursor
        if cursor is None:
            return result


def _read_model(connector: Connector, model: ReadModel, remote_ids: Iterable[str], since: datetime | None) -> _Read:
    coverage = connector.coverage_for(model)
    wanted = sorted(set(remote_ids))
    if coverage is None or coverage.scope != Scope.NONE or not wanted:
        return _Read()  # per-parent models come with the scheduled delta
    if coverage.supports_remote_ids:
        result = _Read()
        for start in range(0, len(wanted), REMOTE_ID_CHUNK):
            chunk = wanted[start : start + REMOTE_ID_CHUNK]
            part = _read_all(connector, model, remote_ids=chunk)
            result.items.extend(part.items)
            result.deleted.extend(part.deleted)
            if connector.reports_deletions:  # asked for these, the tool no longer has them
                returned = {item.remote_id for item in part.items}
                result.deleted.extend(remote_id for remote_id in chunk if remote_id not in returned)
        return result
    since_arg = since - DELTA_OVERLAP if since is not None and coverage.supports_updated_since else None
    return _read_all(connector, model, updated_since=since_arg)


def _read_targets(connector: Connector, integration: Integration, model: ReadModel, batch: _Batch) -> _Read:
    """The model's targets: those named whole, then each aspect's, completed from the `remote_data` we hold."""
    since = batch.earliest
    result = _read_model(connector, model, batch.whole(model), since)
    coverage = connector.coverage_for(model)
    for aspect, remote_ids in sorted(batch.by_aspect(model).items()):
        if coverage is None or coverage.scope != Scope.NONE or not coverage.supports_remote_ids:
            part = _read_model(connector, model, remote_ids, since)
        else:
            part = _read_aspect(connector, integration, model, sorted(remote_ids), aspect)
        result.items.extend(part.items)
        result.deleted.extend(part.deleted)
    return result


def _read_aspect(
    connector: Connector, integration: Integration, model: ReadModel, remote_ids: list[str], aspect: str
) -> _Read:
    table = records.RECORD_MODELS[model]
    result = _Read()
    for start in range(0, len(remote_ids), REMOTE_ID_CHUNK):
        chunk = remote_ids[start : start + REMOTE_ID_CHUNK]
        stored = dict(
            table.objects.filter(integration=integration, remote_id__in=chunk).values_list("remote_id", "remote_data")  # type: ignore[attr-defined]
        )
        page = connector.read_aspect(
            model, remote_ids=chunk, aspect=aspect, stored={key: raw for key, raw in stored.items() if raw}
        )
        result.items.extend(page.items)
        result.deleted.extend(page.deleted_remote_ids)
        if connector.reports_deletions:  # asked for these, the tool no longer has them
            returned = {item.remote_id for item in page.items}
            result.deleted.extend(remote_id for remote_id in chunk if remote_id not in returned)
    return result


def _stored_ids(integration: Integration, model: ReadModel, remote_ids: Iterable[str]) -> set[str]:
    table = records.RECORD_MODELS[model]
    return set(
        table.objects.filter(integration=integration, remote_id__in=list(remote_ids)).values_list(  # type: ignore[attr-defined]
            "remote_id", flat=True
        )
    )


def _read_batch(connector: Connector, integration: Integration, batch: _Batch) -> dict[ReadModel, _Read]:
    since = batch.earliest
    reads: dict[ReadModel, _Read] = {}
    names = batch.targets
    if ReadModel.APPLICATIONS in names:
        reads[ReadModel.APPLICATIONS] = _read_targets(connector, integration, ReadModel.APPLICATIONS, batch)
        applications = [item for item in reads[ReadModel.APPLICATIONS].items if isinstance(item, RemoteApplication)]
        candidates = connector.coverage_for(ReadModel.CANDIDATES)
        if candidates is not None and candidates.supports_remote_ids:  # one read by id each
            # Only candidates we do not hold: a candidate an event changed is named by the event itself, and
            # reading every other one would spend the vendor's rate budget on records that did not change.
            candidate_ids = {application.candidate_remote_id for application in applications}
            for candidate_id in candidate_ids - _stored_ids(integration, ReadModel.CANDIDATES, candidate_ids):
                batch.add(ReadModel.CANDIDATES, candidate_id, since or utcnow())
        job_ids = {application.job_remote_id for application in applications if application.job_remote_id}
        for job_id in job_ids - _stored_ids(integration, ReadModel.JOBS, job_ids):
            batch.add(ReadModel.JOBS, job_id, since or utcnow())
    for model in SYNC_ORDER:
        if model in names and model not in reads:
            reads[model] = _read_targets(connector, integration, model, batch)
    return reads


def _keep_tracked(integration: Integration, model: ReadModel, read: _Read) -> _Read:
    if model not in TRACKED_MODELS or integration.sync_all_records:
        return read
    ids = [item.remote_id for item in read.items] + read.deleted
    tracked = set(_tracked_queryset(integration, model).filter(remote_id__in=ids).values_list("remote_id", flat=True))
    return _Read(
        items=[item for item in read.items if item.remote_id in tracked],
        deleted=[remote_id for remote_id in read.deleted if remote_id in tracked],
    )


def _store(
    integration: Integration, batch: _Batch, reads: dict[ReadModel, _Read], *, started: datetime, calls: int
) -> SyncRun:
    from apps.integrations.webhook_services import announce_data_changed

    now = utcnow()
    with transaction.atomic():
        run = SyncRun.objects.create(
            integration=integration, type=SyncRun.Type.TARGETED, trigger=SyncRun.Trigger.WEBHOOK,
            status=SyncRun.Status.SUCCEEDED, sync_all=integration.sync_all_records, started_at=started,
            finished_at=now, heartbeat_at=now, attempts=1, upstream_calls=calls,
        )  # fmt: skip
        changed: list[str] = []
        totals = dict.fromkeys(("fetched", "created", "updated", "unchanged", "skipped", "deleted"), 0)
        position = 0
        for model in SYNC_ORDER:
            if model not in reads:
                continue
            read = _keep_tracked(integration, model, reads[model])
            result = records.records_upsert(integration=integration, model=model, records=read.items, now=now)
            removed = records.records_mark_deleted(
                integration=integration, model=model, remote_ids=sorted(set(read.deleted)), now=now
            )
            counters = {
                "fetched": len(reads[model].items), "created": result.created, "updated": result.updated,
                "unchanged": result.unchanged, "skipped": result.skipped, "deleted": removed,
            }  # fmt: skip
            SyncRunModel.objects.create(
                run=run, model=model.value, position=position, status=SyncRunModel.Status.DONE, started_at=started,
                finished_at=now, pages=1, **counters,
            )  # fmt: skip
            position += 1
            for name, value in counters.items():
                totals[name] += value
            if result.created or result.updated or removed:
                changed.append(model.value)
        for model in sorted(reads, key=lambda item: item.value):  # the receiving side's lock order
            _freshness(integration, model, batch.targets.get(model, {}), now)
        SyncRun.objects.filter(id=run.id).update(models_total=position, models_done=position, **totals)
        if batch.deliveries:
            InboundDelivery.objects.filter(id__in=batch.deliveries).update(processed_at=now)
        announce_data_changed(integration=integration, changed_models=changed)
    return run


def _freshness(integration: Integration, model: ReadModel, targets: dict[str, datetime], now: datetime) -> None:
    if not targets:
        return
    lag_ms = max(0, round((now - min(targets.values())).total_seconds() * 1000))
    row, created = InboundFreshness.objects.get_or_create(
        integration=integration, model=model.value,
        defaults={"last_targeted_sync_at": now, "last_lag_ms": lag_ms, "last_event_at": min(targets.values())},
    )  # fmt: skip
    if not created:
        InboundFreshness.objects.filter(id=row.id).update(last_targeted_sync_at=now, last_lag_ms=lag_ms)


def _record_failure(integration: Integration, started: datetime, exc: Exception, calls: int) -> None:
    now = utcnow()
    SyncRun.objects.create(
        integration=integration, type=SyncRun.Type.TARGETED, trigger=SyncRun.Trigger.WEBHOOK,
        status=SyncRun.Status.FAILED, sync_all=integration.sync_all_records, started_at=started, finished_at=now,
        heartbeat_at=now, attempts=1, upstream_calls=calls, error=str(exc)[:5000],
    )  # fmt: skip


def _run_batch(integration_id: str, batch: _Batch) -> float | None:
    """Read and store one batch; returns a delay to retry after when the ATS failed retryably."""
    from apps.integrations.connectors import connector_for

    integration = Integration.objects.get(id=integration_id)
    if is_disabled(integration):
        return None  # switched off meanwhile: nothing reaches the ATS; the re-enable delta catches up
    started = utcnow()
    connector = connector_for(integration)
    try:
        reads = _read_batch(connector, integration, batch)
    except ConnectorError as exc:
        logger.warning("targeted delta of %s failed: %s", integration_id, exc)
        _record_failure(integration, started, exc, connector.upstream_calls())
        if exc.retryable and _put_back(integration_id, batch):
            return float(getattr(exc, "retry_after", None) or 30)
        return None
    _store(integration, batch, reads, started=started, calls=connector.upstream_calls())
    return None


def targeted_sync(integration_id: str) -> str:
    """Work off the integration's pending targets (the task). Returns what happened: "busy" when another worker
    runs its targeted delta (that one takes our targets), else "done"."""
    token = _lock_take(integration_id)
    if token is None:
        return "busy"
    retry: float | None = None
    ends = time.monotonic() + _slice()
    try:
        while retry is None and _lock_beat(integration_id, token):
            batch = _take(integration_id)
            if batch is None:
                break
            retry = _run_batch(integration_id, batch)
            if time.monotonic() >= ends:
                break
    finally:
        _lock_release(integration_id, token)
    if retry is not None:
        targeted_enqueue(integration_id, delay=retry)
    elif InboundPendingTarget.objects.filter(integration_id=integration_id).exists():
        # Targets that arrived while we released the lock (their task found us busy), or the slice is used up:
        # go on in a fresh task, behind the tasks queued meanwhile.
        targeted_enqueue(integration_id)
    return "done"
