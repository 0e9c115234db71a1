"""A customer's webhook receiver on loopback (real HTTP), verifying every delivery like a receiver would.

Each request is checked with the `standardwebhooks` package and with the `X-Kombo-Signature` check the README
documents, then parsed with the `kombo` SDK's payload model of its type. A `behave` function decides each
answer: `("ok",)`, `("status", code, {headers}, body)`, `("sleep", seconds)` (answers only after that: a timeout) or
`("drop",)` (closes the connection without answering).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kombo import models as sdk
from standardwebhooks import Webhook

SDK_MODELS: dict[str, Any] = {
    "data-changed": sdk.DataChangedWebhookPayload,
    "sync-finished": sdk.SyncFinishedWebhookPayload,
    "integration-created": sdk.IntegrationCreatedWebhookPayload,
    "integration-state-changed": sdk.IntegrationStateChangedWebhookPayload,
    "integration-deleted": sdk.IntegrationDeletedWebhookPayload,
    "connection-flow-failed": sdk.ConnectionFlowFailedWebhookPayload,
    "issue-status-changed": sdk.IssueStatusChangedWebhookPayload,
}


def kombo_signature_valid(secret: str, body: bytes, header: str) -> bool:
    """The README's verifier, verbatim in substance."""
    expected = base64.urlsafe_b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).rstrip(b"=")
    return any(hmac.compare_digest(expected.decode(), signature) for signature in header.split(","))


@dataclass
class Received:
    event_id: str
    type: str
    body: dict[str, Any]
    headers: dict[str, str]
    standard_ok: bool
    kombo_ok: bool
    parsed: Any  # the SDK model (None for a ping)
    at: float  # time.time() when it arrived
    body_raw: bytes = b""


@dataclass
class Receiver:
    secret: str = ""
    behave: Callable[[int, dict[str, Any]], tuple[Any, ...]] = lambda n, body: ("ok",)
    received: list[Received] = field(default_factory=list)  # answered 2xx
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def ids(self) -> list[str]:
        with self.lock:
            return [item.event_id for item in self.received]

    def of_type(self, event_type: str) -> list[Received]:
        with self.lock:
            return [item for item in self.received if item.type == event_type]


def start_receiver(receiver: Receiver) -> tuple[ThreadingHTTPServer, threading.Thread]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return None

        def do_POST(self) -> None:  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = json.loads(raw)
            with receiver.lock:
                receiver.requests += 1
                number = receiver.requests
            action = receiver.behave(number, body)
            if action[0] == "drop":
                self.close_connection = True
                self.connection.close()
                return
            if action[0] == "sleep":
                time.sleep(action[1])
            if action[0] == "status":
                content = action[3] if len(action) > 3 else b'{"error": "not now"}'
                self._answer(action[1], content, action[2] if len(action) > 2 else {})
                return
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                Webhook(receiver.secret).verify(raw, headers)
                standard_ok = True
            except Exception:  # noqa: BLE001 - any verification failure counts as not verified
                standard_ok = False
            kombo_ok = kombo_signature_valid(receiver.secret, raw, headers.get("x-kombo-signature", ""))
            model = SDK_MODELS.get(body["type"])
            parsed = model.model_validate(body) if model is not None else None
            with receiver.lock:
                receiver.received.append(
                    Received(body["id"], body["type"], body, headers, standard_ok, kombo_ok, parsed, time.time(), raw)
                )
            self._answer(200, b"ok", {})

        def _answer(self, status: int, content: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/tributary"
    return server, thread
