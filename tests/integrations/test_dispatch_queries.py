"""The dispatcher's cost per tick does not grow with the fleet: the same queries for 3 and for 30 integrations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django_q.models import OrmQ

from apps.core.timeutils import utcnow
from apps.integrations.models import Integration, SyncRun
from apps.integrations.sync import TASK_EXECUTE, sync_dispatch
from tests.factories.integrations import IntegrationFactory

# The integrations with their history, SAVEPOINT + INSERT of the runs + RELEASE (the test runs in a transaction),
# lost runs, the ORM broker's queue, stale runs, and one INSERT of every task into the ORM broker.
QUERIES_WHEN_DUE = 8


def _fleet(size: int) -> list[Integration]:
    fleet = []
    for number in range(size):
        integration = IntegrationFactory()
        if number % 3:  # two in three synced fully 10 minutes ago: a delta is due; the others never synced
            run = SyncRun.objects.create(integration=integration, type="FULL", trigger="SCHEDULE", status="SUCCEEDED")
            when = utcnow() - timedelta(minutes=10)
            SyncRun.objects.filter(id=run.id).update(created_at=when, watermark=when, finished_at=when)
        fleet.append(integration)
    return fleet


@pytest.mark.parametrize("size", [3, 30])
def test_a_tick_costs_the_same_queries_for_any_fleet_size(
    db: None, django_assert_num_queries: Any, django_capture_on_commit_callbacks: Any, size: int
) -> None:
    fleet = _fleet(size)

    with django_assert_num_queries(QUERIES_WHEN_DUE), django_capture_on_commit_callbacks(execute=True):
        result = sync_dispatch()

    assert result == {"requested": size, "resent": 0, "deferred": 0}
    queued = dict(SyncRun.objects.filter(status="QUEUED").values_list("integration_id", "type"))
    assert queued == {integration.id: ("DELTA" if number % 3 else "FULL") for number, integration in enumerate(fleet)}
    tasks = sorted((task.func(), task.args(), task.task["group"]) for task in OrmQ.objects.all())
    runs = SyncRun.objects.filter(status="QUEUED").values_list("id", flat=True)
    assert tasks == sorted((TASK_EXECUTE, (run_id, None), f"sync:{run_id}") for run_id in runs)


@pytest.mark.parametrize("size", [3, 30])
def test_a_tick_with_nothing_due_costs_four_queries(db: None, django_assert_num_queries: Any, size: int) -> None:
    _fleet(size)
    sync_dispatch()  # queues everything due

    with django_assert_num_queries(4):  # the integrations, lost runs, the queue, stale runs
        assert sync_dispatch() == {"requested": 0, "resent": 0, "deferred": 0}


def test_a_run_waiting_in_the_queue_is_not_sent_twice(db: None, django_capture_on_commit_callbacks: Any) -> None:
    """In a backlog, runs queued over a minute ago whose task still waits are not 'lost': one task each."""
    waiting, lost = IntegrationFactory(), IntegrationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sync_dispatch()  # a FULL each, and its task
    OrmQ.objects.filter(payload__in=[t.payload for t in OrmQ.objects.all() if t.args()[0] == _queued(lost)]).delete()
    SyncRun.objects.update(created_at=utcnow() - timedelta(minutes=3))

    with django_capture_on_commit_callbacks(execute=True):
        result = sync_dispatch()

    assert result == {"requested": 0, "resent": 1, "deferred": 0}
    assert sorted(task.args()[0] for task in OrmQ.objects.all()) == sorted([_queued(waiting), _queued(lost)])


def _queued(integration: Integration) -> str:
    return SyncRun.objects.get(integration=integration, status="QUEUED").id
