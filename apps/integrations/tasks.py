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


def webhook_deliver(delivery_id: str) -> str:
    """One attempt of a webhook delivery (claimed atomically: a duplicate task does nothing)."""
    from apps.integrations.webhook_delivery import webhook_deliver as deliver

    return deliver(delivery_id)


def webhook_sweep() -> dict[str, int]:
    """Every minute: hand due webhook deliveries (retries, ones lost with a dead worker) to the workers."""
    from apps.integrations.webhook_delivery import webhook_sweep as sweep

    return sweep()
