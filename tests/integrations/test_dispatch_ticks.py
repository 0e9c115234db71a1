"""A late dispatcher tick (its scheduled task stuck behind a backlog) is run by a worker after a sync task."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_q.models import Task

from apps.integrations import tasks
from apps.integrations.models import SyncRun
from apps.integrations.sync import TASK_DISPATCH, schedules_apply
from tests.factories.integrations import IntegrationFactory


def _tick_at(seconds_ago: float) -> None:
    started = timezone.now() - timedelta(seconds=seconds_ago)
    Task.objects.create(id=f"tick{seconds_ago:.0f}".ljust(32, "0"), name="tick", func=TASK_DISPATCH,
                        started=started, stopped=started, success=True)  # fmt: skip


def _finished_run() -> str:
    run = SyncRun.objects.create(integration=IntegrationFactory(), type="FULL", trigger="SCHEDULE", status="SUCCEEDED")
    return run.id


def test_a_worker_ticks_when_the_last_tick_is_over_75_seconds_old(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    schedules_apply()
    _tick_at(90)
    due = IntegrationFactory()  # never synced: a full is due

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sync_run_execute(_finished_run()) == "NOT_CLAIMED"

    assert SyncRun.objects.filter(integration=due, status="QUEUED", type="FULL").count() == 1
    in_worker = Task.objects.get(func=TASK_DISPATCH, group="sync-dispatch-in-worker")
    assert {key: in_worker.result[key] for key in ("requested", "resent", "deferred")} == {
        "requested": 1, "resent": 0, "deferred": 0,
    }  # fmt: skip
    assert in_worker.result["queries"] > 0
    # The scheduled task that comes next finds a tick less than 30 s old and does nothing.
    assert tasks.sync_dispatch() == {"skipped": 1}


def test_no_worker_tick_while_the_schedule_is_on_time_or_absent(db: None) -> None:
    IntegrationFactory()
    _tick_at(40)
    schedules_apply()
    tasks.sync_run_execute(_finished_run())  # the last tick is recent
    Task.objects.all().delete()
    tasks.sync_run_execute(_finished_run())  # no tick ever ran here: no dispatcher to stand in for
    _tick_at(90)
    from django_q.models import Schedule

    Schedule.objects.all().delete()
    tasks.sync_run_execute(_finished_run())  # no dispatcher schedule

    assert SyncRun.objects.filter(status="QUEUED").count() == 0
    assert not Task.objects.filter(group="sync-dispatch-in-worker").exists()


def test_a_tick_does_nothing_while_another_one_runs(db: None) -> None:
    """Two ticks never overlap: one finding the tick lock taken (another process ticking) does nothing."""
    import threading

    from django.db import connection

    from apps.integrations.dispatch_ticks import one_tick_at_a_time

    IntegrationFactory()  # a full is due
    held, done = threading.Event(), threading.Event()

    def other_tick() -> None:
        try:
            with one_tick_at_a_time() as alone:
                assert alone
                held.set()
                done.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_tick)
    thread.start()
    assert held.wait(timeout=30)
    try:
        assert tasks.sync_dispatch() == {"skipped": 1}
        assert SyncRun.objects.count() == 0
    finally:
        done.set()
        thread.join(timeout=30)
    assert tasks.sync_dispatch()["requested"] == 1  # the lock is free again
