"""The scheduler's dispatcher (every minute): queue due syncs, re-send lost tasks, take over dead workers' runs.

Its cost per tick is a fixed number of queries whatever the fleet size, so 1,000 integrations cost what 10 do:

1. the integrations that may sync, each with its last full and last run, whether a run is already QUEUED, and
   whether a DELTA has a base (a RUNNING run, or a successful one of the same scope, see `sync.prepare`);
   (only when a due integration's tool has a concurrency cap, `fleet_limits`: the active runs per capped tool);
2. one INSERT of all new runs;
3. QUEUED runs whose task was lost: waiting over a minute, nothing RUNNING, and (ORM broker) no task for it in
   the queue, read in one query every tick: in a backlog, runs merely waiting their turn are not sent a second time;
4. RUNNING runs whose worker died;
5. one INSERT of all their tasks into django-q2's ORM broker (after commit, as `async_task` would).

Fairness: due integrations are queued most overdue first (never synced before all), re-sent runs before new ones,
and at most a tool's free slots of it (the rest wait for a later tick, still ranked by how overdue they are); a
task yields its run after a slice (`fleet_limits.slice_seconds/pages`) to the back of the queue.

If the run INSERT meets a run queued in between (the one-QUEUED-per-integration constraint: a manual sync
request, a second dispatcher), the batch falls back to `sync_run_request` per integration, which handles that.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.humanhash import uuid
from django_q.models import OrmQ
from django_q.signals import pre_enqueue
from django_q.signing import SignedPackage
from django_q.tasks import async_task

from apps.core.timeutils import utcnow
from apps.integrations.models import Integration, SyncRun


def _minutes(value: int | None, default: int) -> timedelta:
    return timedelta(minutes=value or default)


NEVER_SYNCED = timedelta.max  # how overdue an integration without any run is: first in line
# The dispatcher ticks every minute, so a run falls due between ticks: it is queued at the tick nearest to when
# it falls due (up to half a tick early) rather than at the next one (up to a whole tick late), which kept a
# "delta every 5 minutes" at 5.5 minutes on average.
TICK_LEAD = timedelta(seconds=30)


def _due(integration: Any, now: datetime) -> tuple[str, timedelta] | None:
    """The run type due now and how far past its interval it is; None when nothing is due."""
    from apps.integrations.inbound_freshness import delta_interval_factor
    from apps.integrations.sync import DEFAULT_DELTA_MINUTES, DEFAULT_FULL_MINUTES

    last_full, last_any = integration.last_full, integration.last_any
    if last_any is None:
        return SyncRun.Type.FULL, NEVER_SYNCED
    now += TICK_LEAD
    full_late = now - last_full - _minutes(integration.full_sync_minutes, DEFAULT_FULL_MINUTES) if last_full else None
    if full_late is None or full_late >= timedelta(0):
        return SyncRun.Type.FULL, full_late if full_late is not None else NEVER_SYNCED
    # While the ATS's webhooks are healthy the delta is only the safety net: its interval may lengthen.
    factor = delta_interval_factor(integration.webhook_received_at, now)
    delta_late = now - last_any - factor * _minutes(integration.delta_sync_minutes, DEFAULT_DELTA_MINUTES)
    if delta_late >= timedelta(0):
        # A delta needs a previous successful run of the same scope (or one running): else it runs as a full.
        return (SyncRun.Type.DELTA if integration.has_delta_base else SyncRun.Type.FULL), delta_late
    return None


def _within_caps(due: list[tuple[Any, str]]) -> tuple[list[tuple[Any, str]], int]:
    """The due integrations (most overdue first) that fit their tool's free slots, and how many wait for later."""
    from apps.integrations.fleet_limits import tool_cap

    caps = {tool: tool_cap(tool) for tool in {integration.tool for integration, _ in due}}
    capped = [tool for tool, cap in caps.items() if cap is not None]
    if not capped:
        return due, 0
    active = dict(
        SyncRun.objects.filter(status__in=SyncRun.ACTIVE_STATUSES, integration__tool__in=capped)
        .order_by()
        .values("integration__tool")
        .annotate(count=Count("id"))
        .values_list("integration__tool", "count")
    )
    free = {tool: max(0, caps[tool] - active.get(tool, 0)) for tool in capped}  # type: ignore[operator]
    kept = []
    for integration, run_type in due:
        if integration.tool in free:
            if free[integration.tool] == 0:
                continue
            free[integration.tool] -= 1
        kept.append((integration, run_type))
    return kept, len(due) - len(kept)


def _candidates() -> Any:
    runs = SyncRun.objects.filter(integration=OuterRef("pk"))
    return (
        Integration.objects.filter(enabled=True, state=Integration.State.ACTIVE)
        .exclude(setup_status=Integration.SetupStatus.INCOMPLETE)
        .annotate(
            last_full=Max("sync_runs__created_at", filter=Q(sync_runs__type=SyncRun.Type.FULL)),
            last_any=Max("sync_runs__created_at", filter=~Q(sync_runs__type=SyncRun.Type.TARGETED)),
            has_queued=Exists(runs.filter(status=SyncRun.Status.QUEUED)),
            webhook_received_at=F("inbound_webhook__last_received_at"),
            has_delta_base=Exists(
                runs.filter(
                    Q(status=SyncRun.Status.RUNNING)
                    | Q(status=SyncRun.Status.SUCCEEDED, watermark__isnull=False, sync_all=OuterRef("sync_all_records"))
                )
            ),
        )
        .only("id", "tool", "sync_all_records", "full_sync_minutes", "delta_sync_minutes")
    )


def _package(run_id: str) -> bytes:
    """What `async_task(TASK_EXECUTE, run_id, None, group=...)` puts on the queue (django_q/tasks.py)."""
    from apps.integrations.sync import TASK_EXECUTE

    tag = uuid()
    task: dict[str, Any] = {"id": tag[1], "name": tag[0], "func": TASK_EXECUTE, "args": (run_id, None)}
    task["group"] = f"sync:{run_id}"
    if Conf.CACHED:
        task["cached"] = Conf.CACHED
    if Conf.SYNC:
        task["sync"] = Conf.SYNC
    if Conf.ACK_FAILURES:
        task["ack_failure"] = Conf.ACK_FAILURES
    task["kwargs"] = {}
    task["started"] = timezone.now()
    pre_enqueue.send(sender="django_q", task=task)
    return SignedPackage.dumps(task)


def _queue_payloads() -> list[bytes] | None:
    """The packages waiting in the ORM broker's queue (or taken by a worker and not yet done); None on others."""
    broker = get_broker()
    if not isinstance(broker, ORM):
        return None
    key = broker.list_key or Conf.CLUSTER_NAME
    return list(OrmQ.objects.using(Conf.ORM).filter(key=key).values_list("payload", flat=True))


def _queued_run_ids(payloads: list[bytes]) -> set[str]:
    """The runs that have a task among these packages."""
    from apps.integrations.sync import TASK_EXECUTE

    run_ids = set()
    for payload in payloads:
        try:
            task = SignedPackage.loads(payload)
        except Exception:  # noqa: BLE001 - a package signed with another key is none of ours
            continue
        if task.get("func") == TASK_EXECUTE and task.get("args"):
            run_ids.add(task["args"][0])
    return run_ids


def enqueue_many(run_ids: list[str]) -> None:
    """Queue a sync task per run, in one INSERT on the ORM broker (one `async_task` each on any other)."""
    from apps.integrations.sync import TASK_EXECUTE

    if not run_ids:
        return
    broker = get_broker()
    if not isinstance(broker, ORM) or Conf.SYNC:
        for run_id in run_ids:
            async_task(TASK_EXECUTE, run_id, None, group=f"sync:{run_id}")
        return
    key = broker.list_key or Conf.CLUSTER_NAME
    lock = timezone.now()
    OrmQ.objects.using(Conf.ORM).bulk_create(OrmQ(key=key, payload=_package(run_id), lock=lock) for run_id in run_ids)


def dispatch(*, now: datetime | None = None, stale: timedelta) -> dict[str, int]:
    from apps.integrations.sync import sync_run_request

    now = now or utcnow()
    ranked: list[tuple[timedelta, Any, str]] = []
    for integration in _candidates():
        found = _due(integration, now)
        if found is not None and not integration.has_queued:
            ranked.append((found[1], integration, found[0]))
    ranked.sort(key=lambda entry: entry[0], reverse=True)  # most overdue first (a stable sort: ties keep id order)
    due, deferred = _within_caps([(integration, run_type) for _, integration, run_type in ranked])
    to_enqueue: list[str] = []
    requested = 0
    if due:
        runs = [
            SyncRun(integration_id=integration.id, type=run_type, trigger=SyncRun.Trigger.SCHEDULE,
                    sync_all=integration.sync_all_records)
            for integration, run_type in due
        ]  # fmt: skip
        try:
            with transaction.atomic():
                SyncRun.objects.bulk_create(runs)
            to_enqueue += [run.id for run in runs]
            requested = len(runs)
        except IntegrityError:  # a run was queued in between: let the one-by-one path sort it out
            for integration, run_type in due:
                full = Integration.objects.get(id=integration.id)
                _, already = sync_run_request(integration=full, type=run_type, trigger=SyncRun.Trigger.SCHEDULE)
                requested += 0 if already else 1
    # A QUEUED run whose integration has nothing RUNNING should be moving: its task was lost (or never sent).
    running = SyncRun.objects.filter(status=SyncRun.Status.RUNNING).values("integration_id")
    lost = list(
        SyncRun.objects.filter(status=SyncRun.Status.QUEUED, created_at__lt=now - timedelta(minutes=1))
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .exclude(integration_id__in=running)
        .values_list("id", flat=True)
    )
    # Read every tick (not only when there are candidates): the tick's queries stay the same with or without a
    # backlog; the packages are only decoded when there is something to check.
    payloads = _queue_payloads()
    if lost and payloads is not None:
        in_queue = _queued_run_ids(payloads)
        lost = [run_id for run_id in lost if run_id not in in_queue]
    dead = list(
        SyncRun.objects.filter(status=SyncRun.Status.RUNNING, heartbeat_at__lt=now - stale).values_list("id", flat=True)
    )
    to_enqueue = dead + lost + to_enqueue  # the longest waiting first
    transaction.on_commit(lambda: enqueue_many(to_enqueue))
    return {"requested": requested, "resent": len(lost) + len(dead), "deferred": deferred}
