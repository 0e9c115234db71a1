"""The dispatcher's tick must not wait behind the work it queued.

django-q2's scheduler puts the every-minute dispatch task into the same queue as the sync tasks; with a backlog
(a burst of due deltas, slow workers) it waits its turn behind them, and the next runs are queued late, which
the fleet benchmark showed as ticks 100 s apart instead of 60 (and lost or dead workers' runs re-sent late too).
So a worker finishing a sync task checks when the last tick started (django-q2's own task rows) and, when it is
over `LATE_AFTER` ago, runs the tick itself, recorded as a task of the dispatcher like a scheduled one (the fleet
benchmark and the admin see it). A scheduled tick arriving shortly after does nothing. Two workers seeing the
same late tick both run it at worst once each: a tick is idempotent (one QUEUED run per integration).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_q.humanhash import uuid
from django_q.models import Schedule, Task

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
