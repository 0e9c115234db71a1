"""Freshness: seconds from a change in the ATS (emulator) to the API showing it and to the outgoing webhook.

`benchmark freshness --tool smartrecruiters|factorial --changes 200 --json`. For each mode (webhooks on, then
off: polling only) a fresh emulator and integration (every record synced, a FULL sync first), Tributary served
over loopback by a threaded WSGI server in this process, a `manage.py qcluster` with 2 workers (django-q2's ORM
broker), the dispatcher run here every 2 s as its minute schedule would, and an outgoing webhook endpoint at a
loopback receiver. `--changes` stage moves are made through the emulator's control endpoints at `--rate` per
second, round robin over the applications. Measured per change:

- (a) API: from the move to the first `GET /v1/ats/applications` (polled every 0.1 s) showing its stage or a later
  move of the same application;
- (b) webhook: from the move to the arrival of the first `data-changed` naming applications whose outbox event
  was written no earlier than 0.25 s before (a) saw the change (the event is written in the transaction that
  stores it).

Polling-only runs at the shortest delta interval Tributary allows (1 minute; the default is 5). The emulators'
own rate limits are on, and so is Tributary's shared budget (SmartRecruiters: 9 requests/s). Use PostgreSQL.
"""

from __future__ import annotations

import json
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests
from django.conf import settings
from django.core.management.base import CommandParser
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from apps.connectors.catalog import AuthKind
from apps.connectors.emulation.server import LoopbackServer
from apps.core.ids import new_id
from apps.core.timeutils import utcnow
from apps.integrations.benchmark_workers import start_qcluster, stop_qcluster, wait_until_ready
from apps.integrations.models import Environment, Integration, SyncRun, WebhookAttempt, WebhookEvent

POLL = 0.1
DISPATCH_EVERY = 2.0
SLACK = 0.25  # an outbox event this much older than the poll that saw the change may still announce it


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--tool", choices=["smartrecruiters", "factorial"], required=True)
    parser.add_argument("--changes", type=int, default=200, help="Stage moves per mode (default 200).")
    parser.add_argument("--rate", type=float, default=2.0, help="Moves per second (default 2).")
    parser.add_argument("--applications", type=int, default=40, help="Applications moved round robin (default 40).")
    parser.add_argument("--modes", default="on,off", help="Webhooks on, off (polling only), or both (default).")
    parser.add_argument("--timeout", type=float, default=600, help="Give up waiting after the last move (s).")


# -- the vendors ------------------------------------------------------------------------------------------


@dataclass
class Vendor:
    tool: str
    app: Any
    url: str = ""
    credentials: dict[str, str] = field(default_factory=dict)
    stages: dict[str, list[str]] = field(default_factory=dict)  # application remote id → stage cycle (remote ids)

    def move(self, remote_id: str, stage: str) -> None:
        if self.tool == "smartrecruiters":
            candidate_id, job_id = remote_id.split(":")
            body: dict[str, Any] = {"candidateId": candidate_id, "jobId": job_id, "status": stage}
            answer = requests.post(f"{self.url}/_emulator/applications/status", json=body, timeout=10)
        else:
            body = {"ats_application_phase_id": int(stage)}
            answer = requests.post(f"{self.url}/_emulator/applications/{remote_id}/move", json=body, timeout=10)
        answer.raise_for_status()


def _vendor(tool: str, applications: int) -> Vendor:
    if tool == "smartrecruiters":
        from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, create_app

        app = create_app(seed={"seed": 3, "users": 2, "jobs": 2, "candidates": applications,
                               "applications": applications})  # fmt: skip
        vendor = Vendor(tool, app, credentials={"api_key": DEFAULT_API_KEY})
        cycle = ["NEW", "IN_REVIEW", "INTERVIEW", "OFFERED"]
        for item in app.state.applications.values():
            if item.status in cycle:
                start = cycle.index(item.status)
                vendor.stages[f"{item.candidate_id}:{item.job_id}"] = cycle[start + 1 :] + cycle[: start + 1]
        return vendor
    from apps.connectors.factorial.emulator import DEFAULT_API_KEY as FACTORIAL_KEY
    from apps.connectors.factorial.emulator import create_app as factorial_app

    app = factorial_app(seed={"seed": 3, "candidates": applications, "applications": applications, "jobPostings": 2})
    vendor = Vendor(tool, app, credentials={"api_key": FACTORIAL_KEY})
    for item in app.state.applications.values():
        if app.state.outcome(item) != "pending":
            continue
        phases = [str(p.id) for p in app.state.phases_of(item.job_posting_id) if p.phase_type != "hired"]
        start = phases.index(str(item.phase_id)) if str(item.phase_id) in phases else 0
        vendor.stages[str(item.id)] = phases[start + 1 :] + phases[: start + 1]
    return vendor


# -- servers ----------------------------------------------------------------------------------------------


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return None


def _serve_tributary() -> tuple[_ThreadingWSGIServer, str]:
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]


@dataclass
class _Receipts:
    data_changed: list[tuple[float, str]] = field(default_factory=list)  # (arrival, outbox event id)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _serve_receiver(receipts: _Receipts) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return None

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            if body.get("type") == "data-changed" and any(
                item.get("name") == "ats_applications" for item in body.get("data", {}).get("changed_models", [])
            ):
                with receipts.lock:
                    receipts.data_changed.append((time.time(), str(body.get("id"))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _percentile(values: list[float], share: float) -> float | None:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 3) if ordered else None


# -- one mode ---------------------------------------------------------------------------------------------


@dataclass
class _Change:
    remote_id: str
    stage: str
    at: float
    seen: float | None = None
    announced: float | None = None


def _api_stages(base: str, key: str, integration_id: str) -> dict[str, str | None]:
    headers = {"Authorization": f"Bearer {key}", "X-Integration-Id": integration_id}
    answer = requests.get(f"{base}/v1/ats/applications", params={"page_size": 250}, headers=headers, timeout=10)
    answer.raise_for_status()
    return {
        item["remote_id"]: (item.get("current_stage") or {}).get("remote_id")
        for item in answer.json()["data"]["results"]
    }


def _mode(
    tool: str, webhooks: bool, options: dict[str, Any], base: str, receipts: _Receipts, progress: Callable[..., Any]
) -> dict[str, Any]:
    from apps.integrations.inbound_lifecycle import inbound_activate, inbound_deactivate
    from apps.integrations.services import api_key_create, integration_create
    from apps.integrations.sync import RunOutcome, sync_dispatch, sync_run_execute, sync_run_request
    from apps.integrations.webhook_services import webhook_endpoint_create

    vendor = _vendor(tool, int(options["applications"]))
    environment = Environment.objects.create(name=f"bench-fresh-{new_id().lower()}", display_name="Benchmark")
    with LoopbackServer(vendor.app) as emulator:
        vendor.url = emulator.url
        integration = integration_create(
            environment=environment, tool=tool, end_user_organization_name="Benchmark", auth_kind=AuthKind.API_KEY,
            credentials=vendor.credentials, base_url=emulator.url, setup_status=Integration.SetupStatus.COMPLETED,
        )  # fmt: skip
        Integration.objects.filter(id=integration.id).update(sync_all_records=True, delta_sync_minutes=1)
        integration.refresh_from_db()
        _, key = api_key_create(environment=environment, name="benchmark")
        run, _ = sync_run_request(integration=integration, type=SyncRun.Type.FULL, trigger="COMMAND", enqueue=False)
        assert sync_run_execute(run_id=run.id, time_budget=float("inf")) == RunOutcome.SUCCEEDED
        progress(f"{tool}, webhooks {'on' if webhooks else 'off'}: full sync done")
        if webhooks:
            endpoint = inbound_activate(integration=integration)
            if endpoint is None or endpoint.state != "SUBSCRIBED":
                raise RuntimeError(f"subscribing failed: {endpoint and endpoint.last_error}")
        receiver = _serve_receiver(receipts)
        outgoing, _ = webhook_endpoint_create(
            environment=environment, url=f"http://127.0.0.1:{receiver.server_address[1]}/hook"
        )
        with receipts.lock:
            receipts.data_changed.clear()
        stop = threading.Event()

        def dispatcher() -> None:
            while not stop.wait(DISPATCH_EVERY):
                sync_dispatch()
                close_old_connections()

        thread = threading.Thread(target=dispatcher, daemon=True)
        thread.start()
        changes: list[_Change] = []
        cycles = dict(vendor.stages)
        ids = sorted(cycles)
        try:
            started = time.time()
            next_poll = 0.0
            pending: list[_Change] = []
            for n in range(int(options["changes"])):
                remote_id = ids[n % len(ids)]
                stage = cycles[remote_id][(n // len(ids)) % len(cycles[remote_id])]
                due = started + n / float(options["rate"])
                while time.time() < due:
                    if time.time() >= next_poll:
                        _observe(pending, _api_stages(base, key, integration.id))
                        next_poll = time.time() + POLL
                    time.sleep(0.01)
                vendor.move(remote_id, stage)
                change = _Change(remote_id, stage, time.time())
                changes.append(change)
                pending.append(change)
            progress(f"{tool}, webhooks {'on' if webhooks else 'off'}: {len(changes)} moves made")
            deadline = time.time() + float(options["timeout"])
            while pending and time.time() < deadline:
                _observe(pending, _api_stages(base, key, integration.id))
                time.sleep(POLL)
            time.sleep(2.0)  # the last announcements on their way
        finally:
            stop.set()
            thread.join(timeout=30)
            if webhooks:
                inbound_deactivate(integration=integration)
            receiver.shutdown()
            receiver.server_close()
        _announced(changes, receipts)
        runs = SyncRun.objects.filter(integration=integration).exclude(id=run.id)
        figures = _figures(changes, webhooks)
        figures["runs"] = {kind: runs.filter(type=kind).count() for kind in ("TARGETED", "DELTA", "FULL")}
        targeted = list(runs.filter(type="TARGETED").values_list("started_at", "finished_at", "upstream_calls"))
        figures["targeted_run_seconds_p50"] = _percentile(
            [(end - start).total_seconds() for start, end, _ in targeted], 0.5
        )
        figures["targeted_run_upstream_calls_mean"] = (
            round(sum(calls for *_, calls in targeted) / len(targeted), 2) if targeted else None
        )
        attempts = [attempt for delivery in vendor.app.outbox.deliveries() for attempt in delivery.attempts]
        figures["vendor_deliveries"] = len(vendor.app.outbox.deliveries())
        figures["vendor_attempt_statuses"] = sorted({str(a["status"] or a["error"]) for a in attempts})
        figures["vendor_retries"] = len(attempts) - len([d for d in vendor.app.outbox.deliveries() if d.attempts])
        waits = [
            (attempt.started_at - attempt.delivery.event.created_at).total_seconds()
            for attempt in WebhookAttempt.objects.filter(endpoint=outgoing, number=1).select_related("delivery__event")
        ]
        figures["outbox_to_first_attempt_seconds_p50"] = _percentile(waits, 0.5)
        figures["outbox_to_first_attempt_seconds_p95"] = _percentile(waits, 0.95)
        environment.delete()
        return figures


def _observe(pending: list[_Change], stages: dict[str, str | None]) -> None:
    now = time.time()
    latest: dict[str, int] = {}
    for index, change in enumerate(pending):
        if stages.get(change.remote_id) == change.stage:
            latest[change.remote_id] = index
    done = [c for i, c in enumerate(pending) if c.remote_id in latest and i <= latest[c.remote_id]]
    for change in done:
        change.seen = now
        pending.remove(change)


def _announced(changes: list[_Change], receipts: _Receipts) -> None:
    with receipts.lock:
        arrivals = list(receipts.data_changed)
    written = dict(WebhookEvent.objects.filter(id__in=[event for _, event in arrivals]).values_list("id", "created_at"))
    announcements = sorted((at, written[event].timestamp()) for at, event in arrivals if event in written)
    for change in changes:
        if change.seen is None:
            continue
        change.announced = next((at for at, created in announcements if created >= change.seen - SLACK), None)


def _figures(changes: list[_Change], webhooks: bool) -> dict[str, Any]:
    api = [c.seen - c.at for c in changes if c.seen is not None]
    hook = [c.announced - c.at for c in changes if c.announced is not None]
    return {
        "webhooks": webhooks,
        "changes": len(changes),
        "seen_in_api": len(api),
        "announced": len(hook),
        "api_seconds_p50": _percentile(api, 0.50),
        "api_seconds_p95": _percentile(api, 0.95),
        "webhook_seconds_p50": _percentile(hook, 0.50),
        "webhook_seconds_p95": _percentile(hook, 0.95),
    }


def run(options: dict[str, Any], progress: Callable[[str], Any] = print) -> dict[str, Any]:
    previous = (settings.PUBLIC_BASE_URL, settings.WEBHOOK_ALLOWED_NETWORKS)
    server, base = _serve_tributary()
    settings.PUBLIC_BASE_URL = base
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    cluster = start_qcluster(
        {
            "Q_WORKERS": "2",
            "Q_POLL": "0.05",
            "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
            "SECRET_KEY": settings.SECRET_KEY,
            "CREDENTIALS_KEYS": settings.CREDENTIALS_KEYS,
        }
    )
    receipts = _Receipts()
    wait_until_ready()
    modes = [mode.strip() for mode in str(options["modes"]).split(",") if mode.strip()]
    try:
        results = [_mode(options["tool"], mode == "on", options, base, receipts, progress) for mode in modes]
    finally:
        settings.PUBLIC_BASE_URL, settings.WEBHOOK_ALLOWED_NETWORKS = previous
        stop_qcluster(cluster)
        server.shutdown()
        server.server_close()
    return {
        "tool": options["tool"],
        "changes": int(options["changes"]),
        "rate_per_second": float(options["rate"]),
        "applications": int(options["applications"]),
        "delta_interval_minutes": 1,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "at": utcnow().isoformat(),
        "modes": {("webhooks_on" if r["webhooks"] else "polling_only"): r for r in results},
    }
