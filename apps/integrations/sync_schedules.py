"""Sync schedules: the every-minute dispatcher (due syncs, lost tasks, dead workers' runs), the purge of old runs,
and the django-q2 schedule rows of Tributary."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, OuterRef, Q, Subquery
from django_q.models import Schedule

from apps.core.timeutils import utcnow
from apps.integrations.models import Integration, SyncRun
from apps.integrations.sync_runs import _enqueue, stale_after, sync_run_request
from apps.integrations.webhook_delivery import schedule_apply as webhook_schedule_apply

DEFAULT_DELTA_MINUTES = 5
DEFAULT_FULL_MINUTES = 6 * 60
TASK_DISPATCH = "apps.integrations.tasks.sync_dispatch"
SCHEDULE_DISPATCH = "tributary.sync_dispatch"
TASK_HOUSEKEEPING = "apps.integrations.tasks.housekeeping"
SCHEDULE_HOUSEKEEPING = "tributary.housekeeping"


def _minutes(value: int | None, default: int) -> timedelta:
    return timedelta(minutes=value or default)


def sync_dispatch(*, now: datetime | None = None, stale: timedelta | None = None) -> dict[str, int]:
    """Run every minute by the scheduler: queue due syncs, re-send lost tasks, take over dead workers' runs."""
    now = now or utcnow()
    stale = stale if stale is not None else stale_after()
    requested = resent = 0
    integrations = (
        Integration.objects.filter(enabled=True, state=Integration.State.ACTIVE)
        .exclude(setup_status=Integration.SetupStatus.INCOMPLETE)
        .annotate(
            last_full=Max("sync_runs__created_at", filter=Q(sync_runs__type=SyncRun.Type.FULL)),
            last_any=Max("sync_runs__created_at"),
        )
    )
    # Read in full, not through a server-side cursor (`.iterator()`): each request enqueues through django-q2's ORM
    # broker, which closes the connection once it is older than CONN_MAX_AGE (db.close_old_connections in
    # django_q/brokers/orm.py), and with it any cursor still open on it.
    for integration in list(integrations):
        last_full, last_any = integration.last_full, integration.last_any
        if last_full is None or now - last_full >= _minutes(integration.full_sync_minutes, DEFAULT_FULL_MINUTES):
            run_type = SyncRun.Type.FULL
        elif last_any is None or now - last_any >= _minutes(integration.delta_sync_minutes, DEFAULT_DELTA_MINUTES):
            run_type = SyncRun.Type.DELTA
        else:
            continue
        _, already = sync_run_request(integration=integration, type=run_type, trigger=SyncRun.Trigger.SCHEDULE)
        requested += 0 if already else 1
    # A QUEUED run whose integration has nothing RUNNING should be moving: its task was lost (or never sent).
    running = SyncRun.objects.filter(status=SyncRun.Status.RUNNING).values("integration_id")
    for run_id in (
        SyncRun.objects.filter(status=SyncRun.Status.QUEUED, created_at__lt=now - timedelta(minutes=1))
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .exclude(integration_id__in=running)
        .values_list("id", flat=True)
    ):
        _enqueue(run_id)
        resent += 1
    for run_id in SyncRun.objects.filter(status=SyncRun.Status.RUNNING, heartbeat_at__lt=now - stale).values_list(
        "id", flat=True
    ):
        _enqueue(run_id)
        resent += 1
    return {"requested": requested, "resent": resent}


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
