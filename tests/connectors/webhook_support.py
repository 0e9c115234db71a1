"""What end-to-end tests of inbound ATS webhooks share, for every connector whose vendor pushes.

    pump = TaskPump()              # a django-q2 worker in this process: targeted deltas, outgoing deliveries
    with pump:
        sr.control("POST", "/applications/status", json={...})     # a change in the emulator
        wait_for(lambda: outcome_of(kombo, remote_id) == "HIRED", what="the hire through the SDK")

- `TaskPump` takes tasks from django-q2's ORM broker and runs them as a worker would (same function, same
  arguments), in background threads with their own database connections, until stopped. `idle()` waits until the
  queue is empty and no task runs.
- `outgoing(environment)` points an outgoing webhook endpoint at a verifying loopback receiver
  (tests.integrations.webhook_receiver), for the `data-changed` announcements.
- `inbound_counts(integration)` and `stored_counts(integration)`: exact row counts, to show that a forged or
  replayed delivery changes nothing.
- `connected_with_webhooks(environment, tool=..., base_url=..., credentials=...)`: an integration on its emulator,
  fully synced once, its webhooks activated; returns it with its inbound endpoint.
- `assert_change_arrives_by_webhook`, `assert_deliveries_change_nothing` and
  `assert_lost_deliveries_caught_by_the_next_delta`: the scenarios every vendor with webhooks shows, a few lines
  per connector.
- `emulator_deliveries(url)` reads `GET /_emulator/webhooks`; `replay(delivery, ...)` posts a delivery again with
  exactly the headers and body of its last attempt.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import requests
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string
from django_q.brokers import get_broker
from django_q.models import OrmQ
from django_q.signing import SignedPackage

from apps.connectors.catalog import AuthKind
from apps.integrations.inbound_lifecycle import inbound_activate
from apps.integrations.models import (
    Environment,
    InboundDelivery,
    InboundPendingTarget,
    InboundWebhookEndpoint,
    Integration,
    SyncRun,
    WebhookEndpoint,
)
from apps.integrations.services import integration_create
from apps.integrations.webhook_services import webhook_endpoint_create
from tests.connectors.sync_support import sync
from tests.integrations.webhook_receiver import Receiver, start_receiver

LOOPBACK = ["127.0.0.0/8"]


def connected_with_webhooks(
    environment: Environment,
    *,
    tool: str,
    base_url: str,
    credentials: dict[str, str],
    auth_kind: AuthKind = AuthKind.API_KEY,
) -> tuple[Integration, InboundWebhookEndpoint]:
    """A completed integration of `tool` on its emulator, fully synced once (every record), then activated for
    webhooks: subscribed through the vendor's API, or MANUAL (the URL and secret shown for the end user)."""
    integration = integration_create(
        environment=environment, tool=tool, end_user_organization_name="Acme Corp", auth_kind=auth_kind,
        credentials=credentials, base_url=base_url, setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip
    Integration.objects.filter(id=integration.id).update(sync_all_records=True)
    integration.refresh_from_db()
    sync(integration)
    endpoint = inbound_activate(integration=integration)
    assert endpoint is not None
    return integration, endpoint


class TaskPump:
    """django-q2 tasks run here, as a qcluster worker would run them (see the module docstring)."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers
        self.errors: list[str] = []
        self.done: list[tuple[str, Any]] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> TaskPump:
        for index in range(self.workers):
            thread = threading.Thread(target=self._loop, name=f"task-pump-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _loop(self) -> None:
        broker = get_broker()
        try:
            while not self._stop.is_set():
                tasks = broker.dequeue() or []
                for ack_id, payload in tasks:
                    self._run(payload)
                    broker.acknowledge(ack_id)
                if not tasks:
                    time.sleep(0.02)
                close_old_connections()
        finally:
            connection.close()

    def _run(self, payload: Any) -> None:
        task = SignedPackage.loads(payload)
        func = task["func"]
        if isinstance(func, str):
            func = import_string(func)
        try:
            result = func(*task.get("args", ()), **task.get("kwargs", {}))
            self.done.append((task["func"] if isinstance(task["func"], str) else func.__name__, result))
        except Exception as exc:  # noqa: BLE001 - reported by the test through `errors`
            self.errors.append(f"{task['func']}: {type(exc).__name__}: {exc}")

    def idle(self, timeout: float = 20.0) -> None:
        """Wait until no task is queued and none runs (twice in a row: a task may enqueue another)."""
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 3:
            assert time.monotonic() < deadline, f"tasks still running after {timeout}s: {OrmQ.objects.count()} queued"
            # A task's row stays until it is acknowledged after running; what it enqueued exists before that.
            quiet = quiet + 1 if not OrmQ.objects.exists() else 0
            time.sleep(0.05)
        assert not self.errors, self.errors


def wait_for(condition: Callable[[], Any], *, what: str, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {what}"
        time.sleep(0.05)


@contextmanager
def outgoing(environment: Environment, settings: Any) -> Iterator[tuple[Receiver, WebhookEndpoint]]:
    """A verifying loopback receiver subscribed to the environment's outgoing webhooks."""
    settings.WEBHOOK_ALLOWED_NETWORKS = LOOPBACK
    settings.WEBHOOK_TIMEOUT_SECONDS = 2.0
    receiver = Receiver()
    server, thread = start_receiver(receiver)
    endpoint, secret = webhook_endpoint_create(environment=environment, url=receiver.url)
    receiver.secret = secret
    try:
        yield receiver, endpoint
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def data_changed_models(receiver: Receiver) -> list[list[str]]:
    """The `changed_models` names of every `data-changed` received so far (SDK-parsed payloads)."""
    return [[model.name for model in item.parsed.data.changed_models] for item in receiver.of_type("data-changed")]


def inbound_counts(integration: Integration) -> dict[str, int]:
    deliveries = InboundDelivery.objects.filter(integration=integration)
    counts = {outcome: deliveries.filter(outcome=outcome).count() for outcome in InboundDelivery.Outcome.values}
    counts["pending"] = InboundPendingTarget.objects.filter(integration=integration).count()
    counts["runs"] = SyncRun.objects.filter(integration=integration).count()
    return counts


def stored_counts(integration: Integration) -> dict[str, Any]:
    """Per record model: how many rows and the newest `changed_at` (any real change moves it)."""
    from django.db.models import Max

    from apps.applications.services import RECORD_MODELS

    return {
        model.value: table.objects.filter(integration=integration).aggregate(n=Max("id"), changed=Max("changed_at"))
        | {"rows": table.objects.filter(integration=integration).count()}
        for model, table in RECORD_MODELS.items()
    }


def emulator_deliveries(url: str) -> dict[str, Any]:
    answer = requests.get(f"{url}/_emulator/webhooks", timeout=10)
    answer.raise_for_status()
    return answer.json()


def flush(url: str, timeout: float = 20.0) -> dict[str, Any]:
    answer = requests.post(f"{url}/_emulator/webhooks/flush", json={"timeout": timeout}, timeout=timeout + 5)
    assert answer.status_code == 200, answer.text
    return answer.json()


def replay(delivery: dict[str, Any], **header_changes: str | None) -> requests.Response:
    """POST a delivery again with its last attempt's exact headers and body (`header_changes`: set or, with None,
    drop headers; forged variants)."""
    headers = dict(delivery["last_headers"])
    for name, value in header_changes.items():
        name = name.replace("_", "-")
        matching = [key for key in headers if key.lower() == name.lower()]
        for key in matching:
            del headers[key]
        if value is not None:
            headers[name] = value
    return requests.post(delivery["url"], data=delivery["body"].encode(), headers=headers, timeout=10)


# -- the scenarios every vendor with webhooks shows (a few lines per connector) ------------------------------


def outcomes(kombo: Any) -> dict[str, str | None]:
    """Application remote id → outcome, through the SDK."""
    from tests.connectors.sync_support import every

    return {application.remote_id: application.outcome for application in every(kombo.ats.get_applications)}


def assert_change_arrives_by_webhook(
    *, integration: Integration, kombo: Any, receiver: Receiver, pump: TaskPump, change: Callable[[], None],
    application_remote_id: str, outcome: str = "HIRED",
) -> None:  # fmt: skip
    """`change` (in the emulator) becomes `outcome` through the SDK and is announced by one `data-changed` naming
    applications, by a targeted delta alone: the only runs are the initial FULL and TARGETED ones."""
    before = outcomes(kombo)[application_remote_id]
    assert before != outcome
    runs_before = SyncRun.objects.filter(integration=integration).exclude(type=SyncRun.Type.TARGETED).count()
    change()
    wait_for(lambda: outcomes(kombo)[application_remote_id] == outcome, what=f"{outcome} through the SDK")
    wait_for(lambda: any("ats_applications" in m for m in data_changed_models(receiver)), what="data-changed")
    pump.idle()
    assert SyncRun.objects.filter(integration=integration).exclude(type=SyncRun.Type.TARGETED).count() == runs_before
    assert SyncRun.objects.filter(integration=integration, type=SyncRun.Type.TARGETED, status="SUCCEEDED").exists()


def assert_deliveries_change_nothing(
    *, integration: Integration, receiver: Receiver, pump: TaskPump, sends: list[Callable[[], requests.Response]],
    statuses: list[int],
) -> dict[str, int]:  # fmt: skip
    """Each send answers its status, and no record, no announcement changes. Returns the inbound counts' change."""
    before, stored, announced = inbound_counts(integration), stored_counts(integration), len(receiver.received)
    answers = [send().status_code for send in sends]
    pump.idle()
    assert answers == statuses
    assert stored_counts(integration) == stored
    assert len(receiver.received) == announced
    after = inbound_counts(integration)
    return {key: after[key] - before[key] for key in after if after[key] != before[key]}


def assert_lost_deliveries_caught_by_the_next_delta(
    *, integration: Integration, kombo: Any, url: str, changes: dict[str, Callable[[], None]],
    names: Callable[[dict[str, Any]], str | None], seed: int, counts: dict[str, int], lost: int,
    outcome: str = "HIRED",
) -> None:  # fmt: skip
    """The emulator loses 30 % of its deliveries (`seed`: which ones); `changes` (application remote id → the change
    in the emulator that makes it `outcome`) are made one after another. Then exactly: the emulator's delivery
    `counts`; an application shows `outcome` through the SDK exactly when a delivery about it (`names`: the
    application remote id a delivery names, or None) arrived; `lost` changes lost every delivery; and the next
    scheduled delta (webhooks healthy: 5 min × 3, none due at +6 min, one at +16 min) brings every change."""
    from datetime import timedelta

    from apps.core.timeutils import utcnow
    from apps.integrations.sync import sync_dispatch

    requests.delete(f"{url}/_emulator/webhooks", timeout=10).raise_for_status()  # earlier ones (pings) forgotten
    requests.post(f"{url}/_emulator/webhooks", json={"drop_rate": 0.3, "seed": seed}, timeout=10).raise_for_status()
    assert all(value != outcome for key, value in outcomes(kombo).items() if key in changes)
    with TaskPump() as pump:
        for change in changes.values():
            change()
        flush(url)
        pump.idle()
        snapshot = emulator_deliveries(url)
        assert snapshot["counts"] == counts
        arrived = {names(item) for item in snapshot["deliveries"] if item["state"] == "delivered"}
        seen = outcomes(kombo)
        assert {remote_id for remote_id in changes if seen[remote_id] == outcome} == arrived & set(changes)
        assert len(set(changes) - arrived) == lost

        assert sync_dispatch(now=utcnow() + timedelta(minutes=6))["requested"] == 0
        assert sync_dispatch(now=utcnow() + timedelta(minutes=16))["requested"] == 1
        pump.idle(timeout=60)
    seen = outcomes(kombo)
    assert sorted(remote_id for remote_id in changes if seen[remote_id] == outcome) == sorted(changes)
    last = SyncRun.objects.filter(integration=integration).order_by("-created_at").first()
    assert last is not None
    assert (last.type, last.trigger, last.status) == ("DELTA", "SCHEDULE", "SUCCEEDED")
