"""Sync schedules: the every-minute dispatcher (due syncs, lost tasks, dead workers' runs), the purge of old runs,
and the django-q2 schedule rows of Tributary."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django_q.models import Schedule

from apps.core.timeutils import utcnow
from apps.integrations.models import SyncRun
from apps.integrations.sync_runs import stale_after
from apps.integrations.webhook_delivery import schedule_apply as webhook_schedule_apply

DEFAULT_DELTA_MINUTES = 5
DEFAULT_FULL_MINUTES = 6 * 60
TASK_DISPATCH = "apps.integrations.tasks.sync_dispatch"
SCHEDULE_DISPATCH = "tributary.sync_dispatch"
TASK_HOUSEKEEPING = "apps.integrations.tasks.housekeeping"
SCHEDULE_HOUSEKEEPING = "tributary.housekeeping"


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
