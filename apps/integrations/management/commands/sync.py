from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from apps.core.api.errors import ApiError
from apps.core.timeutils import utcnow
from apps.integrations.models import Integration, SyncRun
from apps.integrations.sync import RunOutcome, sync_run_execute, sync_run_request

BAR_WIDTH = 30


class ProgressBar:
    """One line, redrawn in place on a terminal (a new line per update elsewhere)."""

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream
        self.interactive = stream.isatty()
        self.last = ""

    def update(self, run: SyncRun) -> None:
        done = run.models_done / run.models_total if run.models_total else 0.0
        filled = int(BAR_WIDTH * done)
        line = (
            f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {int(done * 100):3d}%  "
            f"{run.models_done}/{run.models_total} models  {run.current_model or '-':<22} "
            f"{run.fetched:>9,} records"
        )
        if line == self.last:
            return
        self.last = line
        self.stream.write(("\r" + line) if self.interactive else line, ending="" if self.interactive else "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.interactive and self.last:
            self.stream.write("")


class Command(BaseCommand):
    help = "Sync an integration now, in this process, with a progress bar (DELTA unless --full)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("integration_id")
        parser.add_argument("--full", action="store_true", help="Read everything and mark what vanished.")

    def handle(self, *args: Any, **options: Any) -> None:
        integration = Integration.objects.filter(id=options["integration_id"]).first()
        if integration is None:
            raise CommandError(f"No integration {options['integration_id']!r}.")
        run_type = SyncRun.Type.FULL if options["full"] else SyncRun.Type.DELTA
        try:
            run, already = sync_run_request(
                integration=integration, type=run_type, trigger=SyncRun.Trigger.COMMAND, enqueue=False
            )
        except ApiError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{'Joining queued' if already else 'Starting'} {run.type} sync {run.id} of {integration.id}")
        bar = ProgressBar(self.stdout)
        started = time.monotonic()
        token: str | None = None
        while True:
            outcome = sync_run_execute(
                run_id=run.id, token=token, time_budget=float("inf"), progress=bar.update, enqueue_continuation=False
            )
            run.refresh_from_db()
            if run.status not in SyncRun.ACTIVE_STATUSES:
                break
            if outcome == RunOutcome.RETRY_LATER and run.not_before is not None:
                bar.close()
                self.stdout.write(f"The ATS asked us to wait: {run.error}. Resuming at {run.not_before:%H:%M:%S}.")
                time.sleep(max(0.0, (run.not_before - utcnow()).total_seconds()))
                token = run.claim_token  # resume the run we hold
                continue
            # Another worker holds this integration: show its progress until ours can start or has finished.
            running = SyncRun.objects.filter(integration=integration, status=SyncRun.Status.RUNNING).first()
            if running is not None:
                bar.update(running)
            time.sleep(0.5)
            token = None
        bar.update(run)
        bar.close()
        elapsed = time.monotonic() - started
        summary = (
            f"{run.status}: {run.fetched:,} records read ({run.created:,} new, {run.updated:,} changed, "
            f"{run.unchanged:,} unchanged, {run.skipped:,} skipped, {run.deleted:,} deleted) in {elapsed:.1f}s, "
            f"{run.upstream_calls:,} calls to the ATS"
        )
        if run.status != SyncRun.Status.SUCCEEDED:
            raise CommandError(f"{summary}. {run.error}")
        self.stdout.write(summary)
