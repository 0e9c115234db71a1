"""Real django-q2 workers (`manage.py qcluster` processes) on PostgreSQL: crashes and concurrency."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django_q.models import Task
from django_q.tasks import async_task

from apps.applications import models as m
from apps.connectors.sandbox.store import SandboxStore, forget_store
from apps.integrations.connectors import sandbox_path_for, sandbox_store_for
from apps.integrations.models import Environment, Integration, SyncRun
from apps.integrations.sync import TASK_EXECUTE, RunOutcome, sync_run_execute, sync_run_request
from tests.factories.integrations import IntegrationFactory
from tests.integrations.processes import kill, start_qcluster, wait_for

MODELS = {
    "jobs": m.Job, "candidates": m.Candidate, "applications": m.Application, "offers": m.Offer,
    "interviews": m.Interview, "notes": m.Note, "scorecards": m.Scorecard, "attachments": m.Attachment,
    "users": m.AtsUser, "roles": m.Role, "tags": m.Tag, "rejection_reasons": m.RejectionReason,
}  # fmt: skip


def sandbox(environment: Environment, *, records: int, read_delay: float) -> tuple[Integration, SandboxStore]:
    integration = IntegrationFactory(environment=environment)
    Integration.objects.filter(id=integration.id).update(sync_all_records=True)
    integration.refresh_from_db()
    store = sandbox_store_for(integration, records=records)
    store.set_read_delay(read_delay)
    return integration, store


def store_total(store: SandboxStore) -> int:
    return sum(store.count(name) for name in MODELS)


def assert_mirrors(integration: Integration, store: SandboxStore) -> None:
    for name, model in MODELS.items():
        rows = list(model.objects.filter(integration=integration).values_list("remote_id", flat=True))  # type: ignore[attr-defined]
        assert len(rows) == len(set(rows)), f"{name} duplicated"
        assert set(rows) == set(store.ids(name)), name


@pytest.fixture
def cleanup_sandboxes() -> list[Integration]:
    created: list[Integration] = []
    yield created  # type: ignore[misc]
    for integration in created:
        path = sandbox_path_for(integration)
        forget_store(path)
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_nothing_and_the_resumed_run_duplicates_nothing(
    environment: Environment, tmp_path: Path, cleanup_sandboxes: list[Integration]
) -> None:
    integration, store = sandbox(environment, records=3000, read_delay=0.25)
    cleanup_sandboxes.append(integration)
    worker = start_qcluster(tmp_path / "worker.log")
    try:
        run, _ = sync_run_request(integration=integration, type=SyncRun.Type.FULL, trigger=SyncRun.Trigger.API)
        # Mid-way: some models done, some pages of the current one committed.
        wait_for(
            lambda: SyncRun.objects.filter(id=run.id, models_done__gte=6, fetched__gt=0).exists(),
            timeout=90,
            what="the worker to get half-way",
            logs=(tmp_path / "worker.log",),
        )
    finally:
        kill(worker)

    run.refresh_from_db()
    total = store_total(store)
    assert run.status == "RUNNING"
    assert 0 < run.fetched < total
    assert run.attempts == 1
    committed = run.fetched

    store.set_read_delay(0)
    outcome = sync_run_execute(run_id=run.id, stale=timedelta(0), time_budget=float("inf"))

    run.refresh_from_db()
    assert outcome == RunOutcome.SUCCEEDED
    assert (run.status, run.attempts) == ("SUCCEEDED", 2)
    assert (run.fetched, run.created, run.updated) == (total, total, 0)  # no page counted or written twice
    assert committed < run.fetched
    assert sum(run.model_checkpoints.values_list("fetched", flat=True)) == total
    assert_mirrors(integration, store)


@pytest.mark.django_db(transaction=True)
def test_two_workers_run_each_integration_once_and_one_at_a_time(
    environment: Environment, tmp_path: Path, cleanup_sandboxes: list[Integration]
) -> None:
    sandboxes = [sandbox(environment, records=400, read_delay=0.05) for _ in range(3)]
    cleanup_sandboxes.extend(integration for integration, _ in sandboxes)
    workers = [start_qcluster(tmp_path / f"worker-{n}.log") for n in range(2)]
    try:
        runs = []
        for integration, _ in sandboxes:
            run, _ = sync_run_request(integration=integration, type=SyncRun.Type.FULL, trigger=SyncRun.Trigger.API)
            for _ in range(2):  # the broker delivering the same task again, to the other worker
                async_task(TASK_EXECUTE, run.id, None, group=f"sync:{run.id}")
            runs.append(run)
        first_integration = sandboxes[0][0]
        wait_for(
            lambda: (
                SyncRun.objects.filter(id=runs[0].id, status="RUNNING").exists()
                or SyncRun.objects.filter(id=runs[0].id, status="SUCCEEDED").exists()
            ),
            timeout=60,
            what="the first run to start",
            logs=(tmp_path / "worker-0.log", tmp_path / "worker-1.log"),
        )
        follow_up, already = sync_run_request(
            integration=first_integration, type=SyncRun.Type.DELTA, trigger=SyncRun.Trigger.API
        )
        wait_for(
            lambda: (
                SyncRun.objects.filter(status__in=["QUEUED", "RUNNING"]).count() == 0
                and all(Task.objects.filter(group=f"sync:{run.id}").count() == 3 for run in runs)
            ),
            timeout=90,
            what="every run and task to finish",
            logs=(tmp_path / "worker-0.log", tmp_path / "worker-1.log"),
        )
    finally:
        for worker in workers:
            kill(worker)

    assert already is False
    for (integration, store), run in zip(sandboxes, runs, strict=True):
        run.refresh_from_db()
        total = store_total(store)
        assert (run.status, run.attempts, run.fetched, run.created) == ("SUCCEEDED", 1, total, total)
        results = sorted(
            Task.objects.filter(func=TASK_EXECUTE, group=f"sync:{run.id}").values_list("result", flat=True)
        )
        assert results == ["NOT_CLAIMED", "NOT_CLAIMED", "SUCCEEDED"]
        assert_mirrors(integration, store)
    follow_up.refresh_from_db()
    first = runs[0]
    assert follow_up.status == "SUCCEEDED"
    assert follow_up.started_at >= first.finished_at  # type: ignore[operator]
    assert SyncRun.objects.filter(integration=first_integration).count() == 2
    assert [SyncRun.objects.filter(integration=i).count() for i, _ in sandboxes[1:]] == [1, 1]
