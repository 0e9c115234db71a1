"""Outgoing webhooks: deliveries/s to a loopback receiver with a 2-worker qcluster, commit-to-receipt latency.

For each injected failure rate (0 % and 20 % of requests answered 500): `--events` events are committed one per
transaction, a `manage.py qcluster` with 2 workers delivers them (retries handed over by the sweeper, run here
every half second as the minute schedule would), and the receiver notes when each event id first arrived. Figures:
deliveries/s (events / time from the first commit to the last first receipt), p50/p95 latency from each commit
to its first receipt, attempts per event. Use PostgreSQL (the worker process shares the database).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.db import transaction

from apps.core.ids import new_id
from apps.integrations.benchmark_workers import start_qcluster, stop_qcluster, wait_until_ready
from apps.integrations.models import Environment, WebhookAttempt, WebhookDelivery
from apps.integrations.webhook_delivery import webhook_sweep
from apps.integrations.webhook_services import webhook_endpoint_create, webhook_event_emit

FAILURE_RATES = (0.0, 0.2)


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--events", type=int, default=10000, help="Events per failure rate (default 10000).")
    parser.add_argument("--workers", type=int, default=2, help="qcluster workers (default 2).")
    parser.add_argument("--timeout", type=float, default=1800, help="Give up a phase after this many seconds.")


class _Receipts:
    def __init__(self, failure_rate: float) -> None:
        self.failure_rate = failure_rate
        self.first: dict[str, float] = {}
        self.requests = 0
        self.lock = threading.Lock()
        self.random = random.Random(42)


def _serve(receipts: _Receipts) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return None

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receipts.lock:
                receipts.requests += 1
                fail = receipts.random.random() < receipts.failure_rate
                if not fail:
                    receipts.first.setdefault(json.loads(body)["id"], time.time())
            status, content = (500, b"injected failure") if fail else (200, b"ok")
            self.send_response(status)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _phase(events: int, failure_rate: float, timeout: float, progress: Callable[[str], Any]) -> dict[str, Any]:
    receipts = _Receipts(failure_rate)
    server = _serve(receipts)
    environment = Environment.objects.create(name=f"bench-webhooks-{new_id().lower()}", display_name="Benchmark")
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
        endpoint, _ = webhook_endpoint_create(environment=environment, url=url)
        committed: dict[str, float] = {}
        for n in range(events):
            with transaction.atomic():
                event = webhook_event_emit(environment_id=environment.id, type="ping", data={"n": n})
            committed[event.id] = time.time()
        progress(f"{failure_rate:.0%} failures: {events} events committed")
        deadline = time.monotonic() + timeout
        while len(receipts.first) < events and time.monotonic() < deadline:
            webhook_sweep()  # hands due retries to the workers, as the minute schedule does
            time.sleep(0.5)
        arrived = {event_id: at for event_id, at in receipts.first.items() if event_id in committed}
        latencies = [(arrived[event_id] - at) * 1000 for event_id, at in committed.items() if event_id in arrived]
        started = min(committed.values())
        ended = max(arrived.values()) if arrived else time.time()
        attempts = WebhookAttempt.objects.filter(endpoint=endpoint).count()
        return {
            "failure_rate": failure_rate,
            "events": events,
            "delivered": len(arrived),
            "deliveries_per_second": round(len(arrived) / max(ended - started, 1e-9), 1),
            "latency_ms_p50": round(_percentile(latencies, 0.50), 1),
            "latency_ms_p95": round(_percentile(latencies, 0.95), 1),
            "attempts_per_event": round(attempts / events, 3),
            "receiver_requests": receipts.requests,
            "still_pending": WebhookDelivery.objects.filter(endpoint=endpoint, status="PENDING").count(),
        }
    finally:
        server.shutdown()
        server.server_close()
        environment.delete()


def run(options: dict[str, Any], progress: Callable[[str], Any] = print) -> dict[str, Any]:
    events, workers = int(options["events"]), int(options["workers"])
    previous = settings.WEBHOOK_ALLOWED_NETWORKS
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    cluster = start_qcluster({"Q_WORKERS": str(workers), "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
                              "WEBHOOK_RETRY_BASE_SECONDS": "0.5"})  # fmt: skip
    try:
        wait_until_ready()
        phases = [_phase(events, rate, float(options["timeout"]), progress) for rate in FAILURE_RATES]
    finally:
        settings.WEBHOOK_ALLOWED_NETWORKS = previous
        stop_qcluster(cluster)
    return {
        "workers": workers,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "phases": phases,
    }
