"""Webhooks end to end: a sandbox sync announces what changed; real qcluster workers deliver, and one killed
mid-way loses nothing."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from apps.applications.services import RECORD_MODELS
from apps.connectors.sandbox.store import SandboxStore
from apps.integrations.models import Environment, Integration, SyncRun, WebhookDelivery, WebhookEndpoint
from apps.integrations.webhook_delivery import webhook_sweep
from apps.integrations.webhook_services import webhook_event_emit
from tests.integrations.processes import ROOT, kill, wait_for, worker_env
from tests.integrations.webhook_receiver import Receiver
from tests.integrations.webhooks_support import LOOPBACK, deliver_all


def _changed_models(integration: Integration, run: SyncRun) -> list[str]:
    """What the database says changed during the run (changed_at moves on every real change, deletions too)."""
    return sorted(
        model.value
        for model, record_model in RECORD_MODELS.items()
        if record_model.objects.filter(integration=integration, changed_at__gte=run.started_at).exists()  # type: ignore[attr-defined]
    )


@pytest.mark.django_db
def test_advance_and_delta_sync_announce_one_data_changed_naming_exactly_the_changed_models(
    environment: Environment, integration: Integration, store: SandboxStore, endpoint: WebhookEndpoint,
    receiver: Receiver, run_sync: Any,
) -> None:  # fmt: skip
    Integration.objects.filter(id=integration.id).update(sync_all_records=True)
    integration.refresh_from_db()
    full = run_sync(integration)
    deliver_all()
    assert [item.type for item in receiver.received] == ["data-changed", "sync-finished"]
    receiver.received.clear()

    # when time passes in the sandbox and a delta sync runs
    summary = store.advance(steps=3)
    delta = run_sync(integration, SyncRun.Type.DELTA)
    deliver_all()

    # then exactly one data-changed names exactly the models the delta changed, and one sync-finished follows
    assert delta.type == "DELTA"
    assert summary.as_dict()  # the sandbox did change
    assert [item.type for item in receiver.received] == ["data-changed", "sync-finished"]
    changed, finished = receiver.received
    expected = _changed_models(integration, delta)
    assert expected  # something changed
    assert [model.name for model in changed.parsed.data.changed_models] == expected
    assert changed.parsed.data.integration_id == integration.id
    assert (finished.parsed.data.sync_id, finished.parsed.data.sync_state) == (delta.id, "SUCCEEDED")
    assert full.id != delta.id
    assert all(item.standard_ok and item.kombo_ok for item in receiver.received)

    # and a delta that changes nothing announces only that it finished
    receiver.received.clear()
    quiet = run_sync(integration, SyncRun.Type.DELTA)
    deliver_all()
    assert [(item.type, item.parsed.data.sync_id) for item in receiver.received] == [("sync-finished", quiet.id)]


def _start_worker(log: Path, **extra: str) -> subprocess.Popen[bytes]:
    env = {
        **worker_env(),
        "WEBHOOK_ALLOWED_NETWORKS": ",".join(LOOPBACK),
        "WEBHOOK_TIMEOUT_SECONDS": "2",
        "WEBHOOK_LEASE_SECONDS": "3",
        "WEBHOOK_RETRY_BASE_SECONDS": "0.2",  # retries within seconds, not minutes
        "Q_WORKERS": "2",
        **extra,
    }
    with log.open("ab") as handle:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "qcluster"], cwd=ROOT, env=env, stdout=handle,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def _emit_and_roll_back(environment: Environment) -> None:
    with transaction.atomic():
        webhook_event_emit(environment_id=environment.id, type="ping", data={"n": -1})
        raise RuntimeError("rolled back")


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_no_event_and_faults_are_retried(
    environment: Environment, endpoint: WebhookEndpoint, receiver: Receiver, tmp_path: Path, settings: Any
) -> None:
    # tasks queued to the killed worker never come back: the sweeper re-queues them after this (default 5 min)
    settings.WEBHOOK_REQUEUE_SECONDS = 5

    # given a receiver that is slow, fails every 5th request with a 500 and every 7th with a 429
    def behave(number: int, body: dict[str, Any]) -> tuple[Any, ...]:
        time.sleep(0.05)
        if number % 5 == 0:
            return ("status", 500)
        if number % 7 == 0:
            return ("status", 429, {"Retry-After": "0"})
        return ("ok",)

    receiver.behave = behave
    log = tmp_path / "worker.log"
    worker = _start_worker(log)
    total = 120
    try:
        emitted = []
        for n in range(total):
            with transaction.atomic():
                emitted.append(webhook_event_emit(environment_id=environment.id, type="ping", data={"n": n}).id)
        # a rolled-back change: never delivered
        with pytest.raises(RuntimeError):
            _emit_and_roll_back(environment)
        # when the worker is killed in the middle of the deliveries
        wait_for(lambda: len(set(receiver.ids())) >= total // 4, timeout=120, what="a quarter delivered", logs=(log,))
    finally:
        kill(worker)
    arrived_before_kill = len(set(receiver.ids()))
    assert arrived_before_kill < total

    # then a fresh worker, with the sweeper handing it what is due (also what the dead one held), delivers the rest
    worker = _start_worker(log)
    try:
        deadline = time.monotonic() + 300
        while set(receiver.ids()) != set(emitted) and time.monotonic() < deadline:
            webhook_sweep()  # what the minute schedule does
            time.sleep(1)
    finally:
        kill(worker)

    ids = receiver.ids()
    assert set(ids) == set(emitted), f"missing {len(set(emitted) - set(ids))}"
    assert len(ids) >= total  # at least once; a delivery cut by the kill may have arrived twice
    assert all(item.standard_ok and item.kombo_ok for item in receiver.received)
    assert not WebhookDelivery.objects.exclude(status="SUCCEEDED").exists()
    assert WebhookDelivery.objects.count() == total
    assert receiver.requests > len(set(ids))  # the 500s and 429s were retried


@pytest.mark.django_db
def test_a_failed_sync_announces_its_end_and_the_invalid_integration(
    integration: Integration, store: SandboxStore, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    from apps.integrations.sync import RunOutcome, sync_run_execute, sync_run_request

    store.set_api_key("required-key")  # the sandbox now rejects the integration's (empty) key
    run, _ = sync_run_request(integration=integration, type="FULL", trigger="COMMAND", enqueue=False)
    assert sync_run_execute(run_id=run.id, time_budget=float("inf")) == RunOutcome.FAILED
    deliver_all()

    assert [item.type for item in receiver.received] == [
        "sync-finished", "integration-state-changed", "issue-status-changed",
    ]  # fmt: skip
    finished, state, issue = (item.parsed.data for item in receiver.received)
    assert (finished.sync_id, finished.sync_state) == (run.id, "FAILED")
    assert (state.integration_id, state.state) == (integration.id, "INVALID")
    assert (issue.change, issue.issue.type, issue.issue.status) == (
        "raised",
        "integration.authentication_failed",
        "OPEN",
    )
