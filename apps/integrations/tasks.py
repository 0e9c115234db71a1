"""django-q2 tasks: thin, idempotent, taking ids. The work is in `apps.integrations.sync` and `.housekeeping`."""

from __future__ import annotations


def sync_run_execute(run_id: str, token: str | None = None) -> str:
    """Work on a sync run (claimed atomically: a duplicate delivery does nothing)."""
    from apps.integrations.sync import sync_run_execute as execute

    return execute(run_id=run_id, token=token).value


def sync_dispatch() -> dict[str, int]:
    """Every minute: queue due syncs, re-send lost tasks, take over runs of dead workers."""
    from apps.integrations.sync import sync_dispatch as dispatch

    return dispatch()


def housekeeping() -> dict[str, int]:
    """Hourly: delete what has outlived its use (old idempotency keys, expired flow tokens, old sync runs)."""
    from apps.integrations.housekeeping import housekeeping_run

    return housekeeping_run()
