"""Helpers the end-to-end tests share: read a whole list through the SDK, and run one sync to its end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apps.integrations.models import Integration, SyncRun
from apps.integrations.sync import RunOutcome, sync_run_execute, sync_run_request


def every(list_call: Callable[..., Any]) -> list[Any]:
    """All results of a list endpoint, paging with the SDK's own `next()`."""
    results: list[Any] = []
    page = list_call(page_size=250)
    while page is not None:
        results.extend(page.result.data.results)
        page = page.next()
    return results


def sync(integration: Integration, run_type: str = SyncRun.Type.FULL) -> SyncRun:
    """One sync requested as a command would and executed here, which must succeed."""
    run, _ = sync_run_request(integration=integration, type=run_type, trigger=SyncRun.Trigger.COMMAND, enqueue=False)
    outcome = sync_run_execute(run_id=run.id, time_budget=float("inf"))
    run.refresh_from_db()
    assert outcome == RunOutcome.SUCCEEDED, run.error
    return run
