"""Fairness: a large full sync yields its worker between slices, so a small integration's delta queued behind it
runs after one slice, not after the whole full. The real dispatcher queues both; one worker takes the tasks from
django-q2's ORM broker in queue order and runs them as a worker does (the task function with its arguments)."""

from __future__ import annotations

import pydoc
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django_q.models import OrmQ

from apps.connectors.sandbox.store import forget_store
from apps.core.timeutils import utcnow
from apps.integrations.connectors import sandbox_path_for, sandbox_store_for
from apps.integrations.models import Integration, SyncRun, SyncRunModel
from apps.integrations.sync import RunOutcome, sync_dispatch, sync_run_execute, sync_run_request
from tests.factories.integrations import IntegrationFactory

SLICE_PAGES = 4


@pytest.fixture
def fleet(db: None) -> Iterator[tuple[Integration, Integration]]:
    """A large integration never synced (3,000 records, syncing everything) and a small one whose last sync is
    6 minutes old (a delta is due)."""
    large, small = IntegrationFactory(), IntegrationFactory()
    Integration.objects.filter(id__in=[large.id, small.id]).update(sync_all_records=True)
    large.refresh_from_db()
    small.refresh_from_db()
    sandbox_store_for(large, records=3000)
    sandbox_store_for(small, records=40)
    run, _ = sync_run_request(integration=small, type="FULL", trigger="COMMAND", enqueue=False)
    assert sync_run_execute(run_id=run.id, time_budget=float("inf")) == RunOutcome.SUCCEEDED
    when = utcnow() - timedelta(minutes=6)
    SyncRun.objects.filter(id=run.id).update(created_at=when, finished_at=when)
    yield large, small
    for integration in (large, small):
        path = sandbox_path_for(integration)
        forget_store(path)
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)


def _work_off_the_queue(capture: Any) -> list[tuple[str, str]]:
    """One worker: take the oldest task, run it, until the queue is empty. Returns (integration id, outcome)."""
    done = []
    while (task := OrmQ.objects.order_by("id").first()) is not None:
        task.delete()
        with capture(execute=True):  # the continuation a task queues is sent when its transaction commits
            outcome = pydoc.locate(task.func())(*task.args(), **task.kwargs())  # type: ignore[operator]
        run_id = task.args()[0]
        done.append((SyncRun.objects.get(id=run_id).integration_id, outcome))
        assert len(done) < 50, done
    return done


@pytest.mark.parametrize("sliced", [True, False])
def test_a_large_full_sync_does_not_hold_back_a_small_delta(
    fleet: tuple[Integration, Integration], settings: Any, django_capture_on_commit_callbacks: Any, sliced: bool
) -> None:
    large, small = fleet
    settings.SYNC_TASK_SLICE_PAGES = SLICE_PAGES if sliced else 0  # 0: a task works until its time budget
    settings.SYNC_TASK_SLICE_SECONDS = 3600  # only pages count here: the test must not depend on timing

    with django_capture_on_commit_callbacks(execute=True):
        assert sync_dispatch() == {"requested": 2, "resent": 0, "deferred": 0}
    full = SyncRun.objects.get(integration=large, status="QUEUED")
    delta = SyncRun.objects.get(integration=small, status="QUEUED")
    assert (full.type, delta.type) == ("FULL", "DELTA")

    done = _work_off_the_queue(django_capture_on_commit_callbacks)

    full.refresh_from_db()
    delta.refresh_from_db()
    assert (full.status, delta.status) == ("SUCCEEDED", "SUCCEEDED")
    full_pages = sum(SyncRunModel.objects.filter(run=full).values_list("pages", flat=True))
    delta_pages = sum(SyncRunModel.objects.filter(run=delta).values_list("pages", flat=True))
    delta_slices = -(-delta_pages // SLICE_PAGES)
    full_slices = -(-full_pages // SLICE_PAGES)
    assert full_slices > delta_slices > 0  # the full needs more slices than the delta
    if not sliced:
        # Without slices the full takes the worker first and the delta waits for all of it.
        assert done == [(large.id, "SUCCEEDED"), (small.id, "SUCCEEDED")]
        return
    # With slices: the large full queued first (never synced: the most overdue), and the two alternate, a slice
    # each, so the delta is done after as many of the full's slices as it has itself, long before the full.
    assert done[: 2 * delta_slices] == [
        (integration.id, "SUCCEEDED" if integration == small and turn == delta_slices - 1 else "CONTINUED")
        for turn in range(delta_slices)
        for integration in (large, small)
    ]
    assert done[2 * delta_slices :] == [(large.id, "CONTINUED")] * (full_slices - delta_slices - 1) + [
        (large.id, "SUCCEEDED")
    ]
    assert delta.finished_at < full.finished_at
