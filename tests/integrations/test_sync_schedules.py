"""Schedules: one idempotent command, and the dispatcher that decides per integration what is due."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_q.models import OrmQ, Schedule

from apps.core.timeutils import utcnow
from apps.integrations.models import Integration, SyncRun
from apps.integrations.sync import (
    SCHEDULE_DISPATCH,
    SCHEDULE_HOUSEKEEPING,
    TASK_DISPATCH,
    TASK_EXECUTE,
    TASK_HOUSEKEEPING,
    sync_dispatch,
)
from apps.integrations.webhook_delivery import SCHEDULE_SWEEP, TASK_SWEEP
from tests.factories.integrations import IntegrationFactory


def test_setup_schedules_is_idempotent(db: None) -> None:
    out = StringIO()

    call_command("setup_schedules", stdout=out)
    Schedule.objects.filter(name=SCHEDULE_DISPATCH).update(minutes=99)
    call_command("setup_schedules", stdout=out)

    schedules = Schedule.objects.order_by("name").values_list("name", "func", "schedule_type", "minutes", "repeats")
    assert list(schedules) == [
        (SCHEDULE_HOUSEKEEPING, TASK_HOUSEKEEPING, Schedule.HOURLY, None, -1),
        (SCHEDULE_DISPATCH, TASK_DISPATCH, Schedule.MINUTES, 1, -1),
        (SCHEDULE_SWEEP, TASK_SWEEP, Schedule.MINUTES, 1, -1),
    ]
    assert (
        out.getvalue()
        == (
            f"schedule {SCHEDULE_DISPATCH}: up to date\nschedule {SCHEDULE_HOUSEKEEPING}: up to date\n"
            f"schedule {SCHEDULE_SWEEP}: up to date\n"
        )
        * 2
    )


def _run(integration: Integration, run_type: str, *, minutes_ago: float, status: str = "SUCCEEDED") -> SyncRun:
    when = utcnow() - timedelta(minutes=minutes_ago)
    run = SyncRun.objects.create(
        integration=integration, type=run_type, trigger="SCHEDULE", status=status, sync_all=integration.sync_all_records
    )
    # A run that started (as every finished one did) has its watermark.
    SyncRun.objects.filter(id=run.id).update(created_at=when, watermark=when)
    return run


@pytest.mark.parametrize(
    ("_case", "history", "overrides", "expected"),
    [
        ("never synced", [], {}, "FULL"),
        ("full 4 minutes ago", [("FULL", 4)], {}, None),
        ("full 4.4 minutes ago: due after the next tick's midpoint", [("FULL", 4.4)], {}, None),
        ("full 4.6 minutes ago: due before the next tick's midpoint", [("FULL", 4.6)], {}, "DELTA"),
        ("full 6 minutes ago", [("FULL", 6)], {}, "DELTA"),
        ("delta 2 minutes ago", [("FULL", 30), ("DELTA", 2)], {}, None),
        ("full 6 hours ago", [("FULL", 361), ("DELTA", 6)], {}, "FULL"),
        ("failed full still counts", [("FULL", 3)], {}, None),
        ("delta override 60 minutes", [("FULL", 30)], {"delta_sync_minutes": 60}, None),
        ("full override 20 minutes", [("FULL", 30)], {"full_sync_minutes": 20}, "FULL"),
    ],
)
def test_dispatch_requests_what_is_due(
    db: None, _case: str, history: list[tuple[str, float]], overrides: dict[str, int], expected: str | None
) -> None:
    integration = IntegrationFactory()
    Integration.objects.filter(id=integration.id).update(**overrides)
    for run_type, minutes_ago in history:
        _run(integration, run_type, minutes_ago=minutes_ago, status="FAILED" if "failed" in _case else "SUCCEEDED")

    result = sync_dispatch()

    queued = list(SyncRun.objects.filter(integration=integration, status="QUEUED").values_list("type", "trigger"))
    assert queued == ([(expected, "SCHEDULE")] if expected else [])
    assert result == {"requested": 1 if expected else 0, "resent": 0, "deferred": 0}


def test_dispatch_skips_disabled_invalid_and_unfinished_integrations(db: None) -> None:
    disabled = IntegrationFactory()
    Integration.objects.filter(id=disabled.id).update(enabled=False)
    invalid = IntegrationFactory()
    Integration.objects.filter(id=invalid.id).update(state=Integration.State.INVALID)
    IntegrationFactory(setup_status=Integration.SetupStatus.INCOMPLETE)

    assert sync_dispatch() == {"requested": 0, "resent": 0, "deferred": 0}
    assert SyncRun.objects.count() == 0


def test_dispatch_resends_lost_tasks_and_runs_of_dead_workers(
    db: None, django_capture_on_commit_callbacks: object
) -> None:
    lost = _run(IntegrationFactory(), "FULL", minutes_ago=3, status="QUEUED")
    dead = _run(IntegrationFactory(), "FULL", minutes_ago=3, status="RUNNING")
    SyncRun.objects.filter(id=dead.id).update(heartbeat_at=utcnow() - timedelta(minutes=11))
    alive = _run(IntegrationFactory(), "FULL", minutes_ago=3, status="RUNNING")
    SyncRun.objects.filter(id=alive.id).update(heartbeat_at=utcnow() - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        result = sync_dispatch()

    assert result == {"requested": 0, "resent": 2, "deferred": 0}
    assert sorted((task.func(), task.args()) for task in OrmQ.objects.all()) == sorted(
        [(TASK_EXECUTE, (lost.id, None)), (TASK_EXECUTE, (dead.id, None))]
    )


@pytest.mark.parametrize("integrations", [1, 4])
def test_dispatch_reads_every_integrations_history_in_one_query(
    db: None, django_assert_num_queries: Any, integrations: int
) -> None:
    for _ in range(integrations):
        integration = IntegrationFactory()
        _run(integration, "FULL", minutes_ago=30)
        _run(integration, "DELTA", minutes_ago=2)  # nothing due

    with django_assert_num_queries(4):  # the integrations with their last runs, lost runs, the queue, stale runs
        assert sync_dispatch() == {"requested": 0, "resent": 0, "deferred": 0}


def test_sync_intervals_are_at_least_one_minute(db: None) -> None:
    integration = IntegrationFactory()
    integration.delta_sync_minutes = 0

    with pytest.raises(ValidationError) as refused:
        integration.full_clean()

    assert refused.value.message_dict == {"delta_sync_minutes": ["Ensure this value is greater than or equal to 1."]}
