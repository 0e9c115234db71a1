"""A small loopback webhook receiver for connector tests: real HTTP from an emulator's outbox.

Each delivery is verified with `connector.parse_webhook` (401 when rejected), deduplicated by `event_id` as the
platform does (a replay changes nothing), and its targets are read at once with `connector.read(model,
remote_ids=[...])` — the targeted delta in miniature. Paths listed in `fail_first` answer 500 to their first
delivery (to see the vendor's retry).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from apps.connectors.base import Connector
from apps.connectors.webhooks import InboundWebhook, WebhookEvent, WebhookRejected


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    event: WebhookEvent | None = None
    rejected: str | None = None
    duplicate: bool = False
    records: dict[str, list[Any]] = field(default_factory=dict)  # "<model>:<id>" → the records the read returned


class LoopbackReceiver:
    def __init__(self, connector_factory: Callable[[], Connector], secret: str) -> None:
        self.connector_factory = connector_factory
        self.secret = secret
        self.received: list[Received] = []
        self.fail_first: set[str] = set()
        self.dead_paths: set[str] = set()
        self._seen: set[str] = set()
        self._failed: set[str] = set()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                status = receiver.handle(self.path, headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def clear(self) -> None:
        with self._lock:
            self.received.clear()

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> int:
        if path in self.dead_paths:
            return self._record(Received(path, headers, body, 500))
        with self._lock:
            if path in self.fail_first and path not in self._failed:
                self._failed.add(path)
                return self._record(Received(path, headers, body, 500), locked=True)
        webhook = InboundWebhook(headers=headers, body=body, received_at=datetime.now(UTC))
        connector = self.connector_factory()
        try:
            event = connector.parse_webhook(webhook, secret=self.secret)
        except WebhookRejected as rejected:
            return self._record(Received(path, headers, body, 401, rejected=rejected.reason))
        with self._lock:
            duplicate = event.event_id is not None and event.event_id in self._seen
            if event.event_id is not None:
                self._seen.add(event.event_id)
        entry = Received(path, headers, body, 200, event=event, duplicate=duplicate)
        if not duplicate:
            for target in event.targets:
                page = connector.read(target.model, remote_ids=[target.remote_id])
                entry.records[f"{target.model}:{target.remote_id}"] = list(page.items)
        return self._record(entry)

    def _record(self, entry: Received, *, locked: bool = False) -> int:
        if locked:
            self.received.append(entry)
        else:
            with self._lock:
                self.received.append(entry)
        return entry.status

    def events(self, event_type: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.event is not None and r.event.event_type == event_type]
