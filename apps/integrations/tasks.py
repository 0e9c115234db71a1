"""django-q2 tasks: thin, idempotent, taking ids. The work is in `apps.integrations.sync` and `.housekeeping`."""

from __future__ import annotations


def sync_run_execute(run_id: str, token: str | None = None) -> str:
    """Work on a sync run (claimed atomically: a duplicate delivery does nothing); then tick the dispatcher here
    if its scheduled task is late (`dispatch_ticks.tick_if_late`)."""
    from apps.integrations.dispatch_ticks import tick_if_late
    from apps.integrations.sync import sync_run_execute as execute

    value = execute(run_id=run_id, token=token).value
    tick_if_late(_dispatch_measured)
    return value


def sync_dispatch() -> dict[str, float]:
    """Every minute: queue due syncs, re-send lost tasks, take over runs of dead workers.

    The result (kept by django-q2) also says what the tick cost: its queries and milliseconds, which must not grow
    with the number of integrations (`manage.py benchmark fleet` reads them). A scheduled task that comes after a
    tick a worker ran meanwhile (`dispatch_ticks`) does nothing."""
    from apps.integrations.dispatch_ticks import ticked_recently

    if ticked_recently():
        return {"skipped": 1}
    return _dispatch_measured()


def _dispatch_measured() -> dict[str, float]:
    import time

    from django.db import connection

    from apps.integrations.dispatch_ticks import one_tick_at_a_time
    from apps.integrations.sync import sync_dispatch as dispatch

    queries = [0]

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries[0] += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with one_tick_at_a_time() as alone:
        if not alone:
            return {"skipped": 1}  # another tick is running (a worker's, or a second scheduler's)
        with connection.execute_wrapper(count):
            result: dict[str, float] = {**dispatch()}
    result.update(queries=queries[0], ms=round((time.perf_counter() - started) * 1000, 2))
    return result


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
