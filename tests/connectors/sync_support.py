"""Helpers the end-to-end tests share: read a whole list through the SDK, and run one sync to its end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

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


def stored(integration: Integration) -> dict[Any, list[tuple[str, Any, bool]]]:
    """Every stored record of every model: (remote id, raw payload, deleted?), for comparing two syncs."""
    from apps.applications.services import RECORD_MODELS

    return {
        model: sorted(
            (row.remote_id, row.remote_data, row.remote_deleted_at is not None)
            for row in table.objects.filter(integration=integration)
        )
        for model, table in RECORD_MODELS.items()
    }


def faults(url: str, **body: Any) -> None:
    """Adds a fault to an emulator (`POST /_emulator/faults`; see apps.connectors.emulation.faults)."""
    requests.post(f"{url}/_emulator/faults", json=body, timeout=10).raise_for_status()
