from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from apps.connectors.sandbox.store import SandboxStore, forget_store
from apps.integrations.connectors import sandbox_path_for, sandbox_store_for
from apps.integrations.models import Integration, SyncRun
from apps.integrations.sync import RunOutcome, sync_run_execute, sync_run_request
from tests.integrations.webhooks_support import endpoint, receiver, webhook_settings  # noqa: F401 (fixtures)


@pytest.fixture
def store(integration: Integration) -> Iterator[SandboxStore]:
    """The sandbox ATS of the `integration` fixture (a fresh file per test)."""
    path = sandbox_path_for(integration)
    yield sandbox_store_for(integration)
    forget_store(path)
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


@pytest.fixture
def run_sync() -> Callable[..., SyncRun]:
    """Request and execute a sync in this process; returns the finished run."""

    def run(integration: Integration, run_type: str = SyncRun.Type.FULL, **kwargs: object) -> SyncRun:
        sync_run, _ = sync_run_request(
            integration=integration, type=run_type, trigger=SyncRun.Trigger.COMMAND, enqueue=False
        )
        outcome = sync_run_execute(run_id=sync_run.id, time_budget=float("inf"), **kwargs)  # type: ignore[arg-type]
        sync_run.refresh_from_db()
        assert outcome == RunOutcome.SUCCEEDED, sync_run.error
        return sync_run

    return run
