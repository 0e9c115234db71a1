"""A small loopback receiver for an emulator's webhook deliveries, standing in for the platform's inbound URL:
each POST is handed to `connector.parse_webhook`; a rejected one is answered 401, an event id seen before is
answered 200 and not processed again (the platform's replay rule), and the records a new event names are read
with the targeted `connector.read(model, remote_ids=[...])`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from apps.connectors.base import Connector
from apps.connectors.catalog import ReadModel
from apps.connectors.webhooks import InboundWebhook, WebhookEvent, WebhookRejected


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    status: int
    event: WebhookEvent | None = None
    rejected: str | None = None
    replay: bool = False
    records: dict[ReadModel, list[Any]] = field(default_factory=dict)


class Receiver:
    def __init__(self, connector: Connector, secret: str, clock: Callable[[], datetime]) -> None:
        self.connector = connector
        self.secret = secret
        self.clock = clock
        self.received: list[Received] = []
        self.answers: list[int] = []  # statuses to answer before processing (a failing endpoint), first first
        self.seen: set[str] = set()
        self.lock = threading.Lock()
        self.url = ""

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            if self.answers:
                status = self.answers.pop(0)
                self.received.append(Received(headers, body, status))
                return status
            webhook = InboundWebhook(headers=headers, body=body, received_at=self.clock())
            try:
                event = self.connector.parse_webhook(webhook, secret=self.secret)
            except WebhookRejected as rejected:
                self.received.append(Received(headers, body, 401, rejected=rejected.reason))
                return 401
            entry = Received(headers, body, 200, event=event)
            self.received.append(entry)
            if event.event_id is not None and event.event_id in self.seen:
                entry.replay = True
                return 200
            if event.event_id is not None:
                self.seen.add(event.event_id)
            for model in dict.fromkeys(target.model for target in event.targets):
                ids = [target.remote_id for target in event.targets if target.model == model]
                entry.records[model] = list(self.connector.read(model, remote_ids=ids).items)
            return 200

    def accepted(self) -> list[Received]:
        return [entry for entry in self.received if entry.event is not None and not entry.replay]


@contextmanager
def receiving(
    connector: Connector, secret: str, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Iterator[Receiver]:
    receiver = Receiver(connector, secret, clock)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status = receiver.handle(headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/webhooks/inbound/test"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
