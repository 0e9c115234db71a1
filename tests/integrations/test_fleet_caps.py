"""Per-tool concurrency caps across the fleet and the dispatcher's order (most overdue first), with the real
dispatcher and the real claim."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django_q.models import OrmQ

from apps.connectors.workable.connector import WorkableConnector
from apps.core.timeutils import utcnow
from apps.integrations.fleet_limits import tool_cap
from apps.integrations.models import Integration, SyncRun
from apps.integrations.sync import RunOutcome, sync_dispatch, sync_run_execute
from apps.integrations.sync_runs import _claim
from tests.factories.integrations import IntegrationFactory

# The integrations with their history, the active runs per capped tool, SAVEPOINT + INSERT of the runs + RELEASE
# (the test runs in a transaction), lost runs, the ORM broker's queue, stale runs, and one INSERT of every task.
QUERIES_WHEN_A_CAPPED_TOOL_IS_DUE = 9


def _synced(integration: Integration, *, minutes_ago: float) -> Integration:
    """A successful FULL `minutes_ago` (a delta is due after 5 minutes)."""
    when = utcnow() - timedelta(minutes=minutes_ago)
    run = SyncRun.objects.create(
        integration=integration, type="FULL", trigger="SCHEDULE", status="SUCCEEDED",
        sync_all=integration.sync_all_records,
    )  # fmt: skip
    SyncRun.objects.filter(id=run.id).update(created_at=when, watermark=when, finished_at=when)
    return integration


def _queued_tasks() -> list[str]:
    """Run ids of the queued tasks, in the order the dispatcher inserted them."""
    return [task.args()[0] for task in OrmQ.objects.order_by("id")]


def test_a_tools_cap_defaults_to_its_rate_budget_and_a_setting_overrides_it(settings: Any) -> None:
    assert WorkableConnector.rate_budget is not None
    assert tool_cap("workable") == WorkableConnector.rate_budget.max_concurrency == 2
    assert tool_cap("sandbox") is None  # no rate budget: no cap
    settings.SYNC_TOOL_CONCURRENCY = {"workable": 7, "greenhouse": None, "sandbox": 3}
    assert (tool_cap("workable"), tool_cap("greenhouse"), tool_cap("sandbox")) == (7, None, 3)


@pytest.mark.parametrize("size", [5, 50])
def test_with_cap_2_exactly_2_of_a_tools_due_integrations_are_queued(
    db: None, django_assert_num_queries: Any, django_capture_on_commit_callbacks: Any, size: int
) -> None:
    """Workable's default cap is 2: of `size` due Workable integrations the 2 most overdue get a run and a task;
    the sandbox ones (no cap) all do. The tick's queries are the same for 5 and for 50."""
    workable = [_synced(IntegrationFactory(tool="workable"), minutes_ago=6 + number) for number in range(size)]
    sandbox = [_synced(IntegrationFactory(), minutes_ago=6) for _ in range(3)]

    with django_assert_num_queries(QUERIES_WHEN_A_CAPPED_TOOL_IS_DUE), django_capture_on_commit_callbacks(execute=True):
        result = sync_dispatch()

    assert result == {"requested": 2 + 3, "resent": 0, "deferred": size - 2}
    queued = SyncRun.objects.filter(status="QUEUED")
    assert sorted(queued.filter(integration__tool="workable").values_list("integration_id", flat=True)) == sorted(
        [workable[-1].id, workable[-2].id]  # the most overdue two
    )
    assert queued.filter(integration__tool="sandbox").count() == len(sandbox)
    assert len(_queued_tasks()) == 5


def test_a_full_tool_gets_no_new_run_until_a_slot_frees_and_then_the_most_overdue(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    workable = [_synced(IntegrationFactory(tool="workable"), minutes_ago=6 + number) for number in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        sync_dispatch()

    assert sync_dispatch() == {"requested": 0, "resent": 0, "deferred": 3}  # both slots still taken
    finished = SyncRun.objects.get(integration=workable[-1], status="QUEUED")
    SyncRun.objects.filter(id=finished.id).update(status="SUCCEEDED", finished_at=utcnow())

    assert sync_dispatch() == {"requested": 1, "resent": 0, "deferred": 2}
    assert sorted(SyncRun.objects.filter(status="QUEUED").values_list("integration_id", flat=True)) == sorted(
        [workable[-2].id, workable[-3].id]
    )


def test_the_dispatcher_queues_the_most_overdue_first(db: None, django_capture_on_commit_callbacks: Any) -> None:
    """Never synced first, then by how far past its interval; re-sent (lost) runs before all new ones."""
    late_6 = _synced(IntegrationFactory(), minutes_ago=6)
    late_30 = _synced(IntegrationFactory(), minutes_ago=30)
    never = IntegrationFactory()
    late_9 = _synced(IntegrationFactory(), minutes_ago=9)
    lost = SyncRun.objects.create(integration=IntegrationFactory(), type="FULL", trigger="SCHEDULE", status="QUEUED")
    SyncRun.objects.filter(id=lost.id).update(created_at=utcnow() - timedelta(minutes=3))

    with django_capture_on_commit_callbacks(execute=True):
        assert sync_dispatch() == {"requested": 4, "resent": 1, "deferred": 0}

    order = [lost.id] + [
        SyncRun.objects.get(integration=integration, status="QUEUED").id
        for integration in (never, late_30, late_9, late_6)
    ]
    assert _queued_tasks() == order


def test_a_worker_does_not_start_a_run_beyond_its_tools_cap(db: None, settings: Any) -> None:
    """A run queued outside the dispatcher (a manual sync) waits while its tool is at its cap; it starts once a
    slot is free."""
    settings.SYNC_TOOL_CONCURRENCY = {"sandbox": 1}
    first, second = IntegrationFactory(), IntegrationFactory()
    running = SyncRun.objects.create(integration=first, type="FULL", trigger="COMMAND")
    waiting = SyncRun.objects.create(integration=second, type="FULL", trigger="COMMAND")
    assert _claim(running.id, token=None, stale=timedelta(minutes=10)) is not None

    assert sync_run_execute(run_id=waiting.id) == RunOutcome.NOT_CLAIMED
    assert SyncRun.objects.get(id=waiting.id).status == "QUEUED"

    SyncRun.objects.filter(id=running.id).update(status="SUCCEEDED", finished_at=utcnow(), claim_token="")
    assert _claim(waiting.id, token=None, stale=timedelta(minutes=10)) is not None
    assert SyncRun.objects.get(id=waiting.id).status == "RUNNING"
