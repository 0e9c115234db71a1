"""Sync run bookkeeping: requesting a run (one QUEUED per integration), claiming it (a token, taken over when its
worker stopped answering), finishing it (status, the finished-run log line, the next queued run), and what a
connector error does to it (retry later with back-off, or fail; a permanent auth error marks the integration)."""

from __future__ import annotations

import enum
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django_q.models import Schedule
from django_q.tasks import async_task

from apps.connectors.errors import ConnectorAuthError, ConnectorError, ConnectorRateLimited
from apps.core.timeutils import utcnow
from apps.integrations.models import Integration, SyncRun
from apps.integrations.webhook_services import announce_state_if_changed, announce_sync_finished

logger = logging.getLogger("apps.integrations.sync")

MAX_RETRIES = 5  # retryable ATS failures in a row before a run fails
TASK_EXECUTE = "apps.integrations.tasks.sync_run_execute"


def stale_after() -> timedelta:
    """A RUNNING run whose heartbeat is older than this is taken over (its worker died)."""
    return timedelta(seconds=float(getattr(settings, "SYNC_STALE_AFTER_SECONDS", 600)))


class RunOutcome(enum.StrEnum):
    NOT_CLAIMED = "NOT_CLAIMED"
    SUCCEEDED = "SUCCEEDED"
    CONTINUED = "CONTINUED"  # time budget used up; a fresh task continues
    RETRY_LATER = "RETRY_LATER"  # the ATS asked us to wait
    FAILED = "FAILED"
    LOST = "LOST"


# -- requesting runs -----------------------------------------------------------------------------------


def _enqueue(run_id: str, token: str | None = None) -> None:
    transaction.on_commit(lambda: async_task(TASK_EXECUTE, run_id, token, group=f"sync:{run_id}"))


def sync_run_request(
    *, integration: Integration, type: str, trigger: str, enqueue: bool = True
) -> tuple[SyncRun, bool]:
    """Queue a run, or return the one already waiting. Returns (run, already_queued).

    A run may wait while another runs: changes made now are then picked up by the waiting one.
    """
    from apps.integrations.enabled import ensure_enabled

    ensure_enabled(integration)
    existing = SyncRun.objects.filter(integration=integration, status=SyncRun.Status.QUEUED).first()
    if existing is not None:
        return existing, True
    if type == SyncRun.Type.DELTA and not _has_delta_base(integration):
        # Answer with what will run: a delta needs a previous successful run of the same scope (see prepare()).
        type = SyncRun.Type.FULL
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(
                integration=integration, type=type, trigger=trigger, sync_all=integration.sync_all_records
            )
    except IntegrityError:
        existing = SyncRun.objects.filter(integration=integration, status=SyncRun.Status.QUEUED).first()
        if existing is None:  # it started in between: ask again
            return sync_run_request(integration=integration, type=type, trigger=trigger, enqueue=enqueue)
        return existing, True
    if enqueue:
        _enqueue(run.id)
    return run, False


def _has_delta_base(integration: Integration) -> bool:
    """Whether a DELTA requested now can run as one: a run is active, or one succeeded with this scope."""
    if SyncRun.objects.filter(integration=integration, status=SyncRun.Status.RUNNING).exists():
        return True
    return SyncRun.objects.filter(
        integration=integration,
        status=SyncRun.Status.SUCCEEDED,
        watermark__isnull=False,
        sync_all=integration.sync_all_records,
    ).exists()


# -- claiming ------------------------------------------------------------------------------------------


def _claim(run_id: str, *, token: str | None, stale: timedelta) -> str | None:
    """Take the run: continue with our token, start a QUEUED run, or take over a RUNNING one gone stale."""
    now = utcnow()
    new_token = secrets.token_hex(16)
    if token:
        # A continuation: the token passes to a fresh one, so two deliveries of it cannot both go on.
        if SyncRun.objects.filter(id=run_id, status=SyncRun.Status.RUNNING, claim_token=token).update(
            claim_token=new_token, heartbeat_at=now, not_before=None
        ):
            return new_token
    due = Q(not_before__isnull=True) | Q(not_before__lte=now)
    try:
        with transaction.atomic():
            if not _tool_slot_free(run_id):
                return None  # its tool is at its fleet-wide cap: the run stays QUEUED, the dispatcher re-sends it
            claimed = (
                SyncRun.objects.filter(id=run_id, status=SyncRun.Status.QUEUED)
                .filter(due)
                .update(
                    status=SyncRun.Status.RUNNING,
                    claim_token=new_token,
                    attempts=F("attempts") + 1,
                    heartbeat_at=now,
                    started_at=Coalesce("started_at", now),
                    not_before=None,
                )  # fmt: skip
            )
    except IntegrityError:
        return None  # another run of this integration is RUNNING; this one waits for it
    if claimed:
        return new_token
    taken_over = (
        SyncRun.objects.filter(id=run_id, status=SyncRun.Status.RUNNING, heartbeat_at__lt=now - stale)
        .filter(due)
        .update(claim_token=new_token, attempts=F("attempts") + 1, heartbeat_at=now, not_before=None)
    )
    if taken_over:
        logger.warning("sync run %s taken over from a worker that stopped answering", run_id)
        return new_token
    return None


def _tool_slot_free(run_id: str) -> bool:
    """Whether the run's tool has a free slot under its fleet-wide cap (`fleet_limits`); holds the tool's lock
    until the caller's transaction ends, so two workers cannot both take the last slot."""
    from apps.integrations.fleet_limits import lock_tool, tool_cap

    tool = SyncRun.objects.filter(id=run_id).values_list("integration__tool", flat=True).first()
    cap = tool_cap(tool) if tool is not None else None
    if cap is None:
        return True
    lock_tool(tool)  # type: ignore[arg-type]
    return SyncRun.objects.filter(status=SyncRun.Status.RUNNING, integration__tool=tool).count() < cap


def _finish(run: SyncRun, token: str, *, status: str, error: str = "") -> None:
    now = utcnow()
    with transaction.atomic():
        done = SyncRun.objects.filter(id=run.id, claim_token=token).update(
            status=status, finished_at=now, error=error[:5000], current_model="", claim_token=""
        )
        if done and status == SyncRun.Status.SUCCEEDED:
            Integration.objects.filter(id=run.integration_id).update(last_error="")
        if done:
            announce_sync_finished(run_id=run.id)
        waiting = SyncRun.objects.filter(integration_id=run.integration_id, status=SyncRun.Status.QUEUED).first()
        if done and waiting is not None:
            _enqueue(waiting.id)
    if done:
        _log_finished(run.id)


def _log_finished(run_id: str) -> None:
    """One log line per finished run (a JSON object with LOG_FORMAT=json)."""
    run = SyncRun.objects.get(id=run_id)
    logger.info(
        "sync run %s %s",
        run.id,
        run.status,
        extra={
            "sync_run": {
                "id": run.id,
                "integration": run.integration_id,
                "type": run.type,
                "trigger": run.trigger,
                "status": run.status,
                "attempts": run.attempts,
                "fetched": run.fetched,
                "created": run.created,
                "updated": run.updated,
                "deleted": run.deleted,
                "duration_ms": round((run.finished_at - run.started_at).total_seconds() * 1000)
                if run.started_at and run.finished_at
                else None,
            }
        },
    )


def _record_connector_error(run: SyncRun, token: str, exc: ConnectorError) -> RunOutcome:
    message = exc.message + (f" (ATS: {exc.remote_message})" if exc.remote_message else "")
    run.refresh_from_db()
    if exc.retryable and run.retries < MAX_RETRIES:
        wait = exc.retry_after if isinstance(exc, ConnectorRateLimited) and exc.retry_after else 30 * 2**run.retries
        resume_at = utcnow() + timedelta(seconds=wait)
        # The run keeps its claim; its heartbeat is set to when it resumes, so nobody takes it over meanwhile.
        updated = SyncRun.objects.filter(id=run.id, claim_token=token).update(
            retries=F("retries") + 1, not_before=resume_at, heartbeat_at=resume_at, error=message[:5000]
        )
        if updated:
            Schedule.objects.create(
                name=f"sync-retry:{run.id}:{run.retries + 1}",
                func=TASK_EXECUTE,
                args=repr((run.id, token)),
                schedule_type=Schedule.ONCE,
                repeats=-1,
                next_run=resume_at,
            )
        logger.warning("sync run %s: %s; retrying at %s", run.id, message, resume_at.isoformat())
        return RunOutcome.RETRY_LATER
    _finish(run, token, status=SyncRun.Status.FAILED, error=message)
    if isinstance(exc, ConnectorAuthError):
        Integration.objects.filter(id=run.integration_id).update(state=Integration.State.INVALID, last_error=message)
        announce_state_if_changed(integration_id=run.integration_id)
    else:
        Integration.objects.filter(id=run.integration_id).update(last_error=message)
    return RunOutcome.FAILED
