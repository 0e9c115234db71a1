"""Claim contention on real PostgreSQL: workers racing for the same run, or for the last slot of a capped tool,
never both win (the claim is one conditional UPDATE; the tool's slots are counted under its advisory lock)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from apps.integrations.models import SyncRun
from apps.integrations.sync_runs import _claim
from tests.factories.integrations import IntegrationFactory

WORKERS = 6
STALE = timedelta(minutes=10)


def _race(claims: list[Callable[[], str | None]]) -> list[str | None]:
    """Run the claims at once, each in its own thread (its own database connection)."""
    barrier = threading.Barrier(len(claims))
    results: list[str | None] = [None] * len(claims)
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = claims[index]()
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(len(claims))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_one_run_claim_it_once() -> None:
    run = SyncRun.objects.create(integration=IntegrationFactory(), type="FULL", trigger="SCHEDULE")

    tokens = _race([lambda: _claim(run.id, token=None, stale=STALE)] * WORKERS)

    winners = [token for token in tokens if token]
    assert len(winners) == 1
    run.refresh_from_db()
    assert (run.status, run.claim_token, run.attempts) == ("RUNNING", winners[0], 1)


@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_a_capped_tools_last_slot_start_exactly_the_cap(settings: Any) -> None:
    settings.SYNC_TOOL_CONCURRENCY = {"sandbox": 2}
    runs = [
        SyncRun.objects.create(integration=IntegrationFactory(), type="FULL", trigger="SCHEDULE")
        for _ in range(WORKERS)
    ]

    tokens = _race([lambda run_id=run.id: _claim(run_id, token=None, stale=STALE) for run in runs])

    assert sum(1 for token in tokens if token) == 2
    assert SyncRun.objects.filter(status="RUNNING").count() == 2
    assert SyncRun.objects.filter(status="QUEUED").count() == WORKERS - 2
