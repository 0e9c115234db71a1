"""The dispatcher's tick must not wait behind the work it queued.

django-q2's scheduler puts the every-minute dispatch task into the same queue as the sync tasks; with a backlog
(a burst of due deltas, slow workers) it waits its turn behind them, and the next runs are queued late, which
the fleet benchmark showed as ticks 100 s apart instead of 60 (and lost or dead workers' runs re-sent late too).
So a worker finishing a sync task checks when the last tick started (django-q2's own task rows) and, when it is
over `LATE_AFTER` ago, runs the tick itself, recorded as a task of the dispatcher like a scheduled one (the fleet
benchmark and the admin see it). A scheduled tick arriving shortly after does nothing. Two workers seeing the
same late tick, or a worker's tick meeting the scheduled one, do not overlap: a tick runs under a PostgreSQL
advisory lock and one that finds it taken does nothing (two at once both met the one-QUEUED-run constraint and
fell back to one INSERT per integration: 513 queries, 8.5 s in the fleet benchmark).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone
from django_q.humanhash import uuid
from django_q.models import Schedule, Task

TICK_LOCK = (7302, 1)  # (namespace, key) of the advisory lock (fleet_limits.lock_tool uses namespace 7301)
LATE_AFTER = timedelta(seconds=75)  # the schedule says every 60 s
RECENT = timedelta(seconds=30)


def _last_tick() -> Any:
    from apps.integrations.sync import TASK_DISPATCH

    return Task.objects.filter(func=TASK_DISPATCH).order_by("-started").values_list("started", flat=True).first()


def ticked_recently() -> bool:
    last = _last_tick()
    return last is not None and timezone.now() - last < RECENT


def tick_if_late(tick: Callable[[], dict[str, float]]) -> dict[str, float] | None:
    """Run `tick` here when a dispatcher schedule exists, has ticked before, and last ticked over LATE_AFTER ago."""
    from apps.integrations.sync import SCHEDULE_DISPATCH, TASK_DISPATCH

    last = _last_tick()
    if last is None or timezone.now() - last < LATE_AFTER:
        return None
    if not Schedule.objects.filter(name=SCHEDULE_DISPATCH).exists():
        return None
    started = timezone.now()
    # Mark the tick before running it: a worker checking meanwhile sees it and does not tick as well.
    name, task_id = uuid()
    Task.objects.create(
        id=task_id, name=f"dispatch-in-worker-{name}", func=TASK_DISPATCH, started=started, stopped=started,
        success=True, group="sync-dispatch-in-worker", result=None,
    )  # fmt: skip
    result = tick()
    Task.objects.filter(id=task_id).update(stopped=timezone.now(), result=result)
    return result


@contextlib.contextmanager
def one_tick_at_a_time() -> Iterator[bool]:
    """Yields whether this process holds the tick lock (always True off PostgreSQL); released on exit, after the
    tick's transaction has committed and its tasks are queued."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", list(TICK_LOCK))
        alone = bool(cursor.fetchone()[0])
    try:
        yield alone
    finally:
        if alone:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", list(TICK_LOCK))
