"""Webhook deliveries from an emulator, sent the way its vendor sends them.

A vendor emulator owns its subscriptions (a registration API, or a control endpoint standing in for the vendor's
settings page), its payloads and its signatures; `WebhookOutbox` owns the sending: one background thread, real
HTTP POSTs, the vendor's retry schedule (`DeliveryPolicy.retry_delays`, empty for a vendor that documents no
retries), its timeout, and a record of every attempt.

Control endpoints (added by `register_controls`):
- `GET /_emulator/webhooks`: every delivery with its attempts, and counts per state;
- `POST /_emulator/webhooks {"drop_rate": 0.3, "seed": 7, "retry_time_scale": 0.01}`: lose that share of
  deliveries (a lost delivery is never sent, as a webhook lost on the way), seeded; `retry_time_scale`
  shortens the vendor's retry delays for tests (1 = the vendor's real schedule);
- `POST /_emulator/webhooks/flush {"timeout": 10}`: wait until nothing is pending;
- `DELETE /_emulator/webhooks`: forget the deliveries.
"""

from __future__ import annotations

import itertools
import queue
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import requests

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.http import Request, Response

if TYPE_CHECKING:
    from apps.connectors.emulation.vendor import VendorEmulator

Signer = Callable[[bytes], Mapping[str, str]]  # the raw body → the signature headers, computed at each attempt

PENDING, DELIVERED, FAILED, DROPPED = "pending", "delivered", "failed", "dropped"


@dataclass(frozen=True)
class DeliveryPolicy:
    """How the vendor sends: the delays before each re-send after a failed attempt, how long it waits, and the
    answers after which it gives up at once (e.g. Ashby: no retry after 401, 403, 404, 405 or 410)."""

    retry_delays: tuple[float, ...] = ()
    timeout_seconds: float = 10.0
    final_statuses: frozenset[int] = frozenset()


@dataclass
class Delivery:
    id: str
    url: str
    event: str
    body: bytes
    headers: dict[str, str]
    sign: Signer | None = None
    state: str = PENDING
    attempts: list[dict[str, Any]] = field(default_factory=list)
    last_headers: dict[str, str] = field(default_factory=dict)  # as sent at the last attempt (signature included)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "event": self.event,
            "state": self.state,
            "attempts": list(self.attempts),
            "body": self.body.decode("utf-8", "replace"),
            "headers": dict(self.headers),
            "last_headers": dict(self.last_headers),
        }


class WebhookOutbox:
    def __init__(self, *, clock: Clock, policy: DeliveryPolicy, user_agent: str = "") -> None:
        self.clock = clock
        self.policy = policy
        self.user_agent = user_agent
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._deliveries: list[Delivery] = []
        self._pending = 0
        self._ids = itertools.count(1)
        self._queue: queue.Queue[tuple[float, Delivery, int]] = queue.Queue()
        self.drop_rate = 0.0
        self.retry_time_scale = 1.0
        self._random = random.Random(0)
        self._worker = threading.Thread(target=self._run, name="emulator-webhooks", daemon=True)
        self._worker.start()

    def send(
        self, url: str, *, event: str, body: bytes, headers: Mapping[str, str] | None = None, sign: Signer | None = None
    ) -> Delivery:
        """Queue one delivery of `body` to `url`; it is sent (or lost, per `drop_rate`) in the background."""
        with self._lock:
            delivery = Delivery(
                id=f"dlv-{next(self._ids)}", url=url, event=event, body=body, headers=dict(headers or {}), sign=sign
            )
            self._deliveries.append(delivery)
            if self._random.random() < self.drop_rate:
                delivery.state = DROPPED
                return delivery
            self._pending += 1
        self._queue.put((time.monotonic(), delivery, 0))
        return delivery

    def deliveries(self) -> list[Delivery]:
        with self._lock:
            return list(self._deliveries)

    def configure(self, body: Mapping[str, Any]) -> None:
        with self._lock:
            if "drop_rate" in body:
                rate = float(body["drop_rate"])
                if not 0.0 <= rate <= 1.0:
                    raise ValueError("drop_rate must be between 0 and 1")
                self.drop_rate = rate
            if "seed" in body:
                self._random = random.Random(int(body["seed"]))
            if "retry_time_scale" in body:
                self.retry_time_scale = max(0.0, float(body["retry_time_scale"]))

    def wait_idle(self, timeout: float) -> bool:
        """True once every queued delivery is delivered or has failed for good."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
            return True

    def reset(self) -> None:
        with self._lock:
            self._deliveries = [delivery for delivery in self._deliveries if delivery.state == PENDING]
            self.drop_rate = 0.0
            self.retry_time_scale = 1.0
            self._random = random.Random(0)

    def snapshot(self) -> dict[str, Any]:
        deliveries = self.deliveries()
        counts = dict.fromkeys((PENDING, DELIVERED, FAILED, DROPPED), 0)
        for delivery in deliveries:
            counts[delivery.state] += 1
        return {
            "drop_rate": self.drop_rate,
            "retry_delays": list(self.policy.retry_delays),
            "counts": counts,
            "deliveries": [delivery.as_dict() for delivery in deliveries],
        }

    def register_controls(self, app: VendorEmulator) -> None:
        prefix = "/_emulator/webhooks"
        app.add_control("GET", prefix, lambda request: Response.json(self.snapshot()))
        app.add_control("POST", prefix, self._control_configure)
        app.add_control("POST", f"{prefix}/flush", self._control_flush, unlocked=True)  # receivers may call back
        app.add_control("DELETE", prefix, self._control_forget)

    def _control_configure(self, request: Request) -> Response:
        self.configure(request.json_object())
        return Response.json({"drop_rate": self.drop_rate, "retry_time_scale": self.retry_time_scale})

    def _control_flush(self, request: Request) -> Response:
        timeout = float((request.json or {}).get("timeout", 10))
        idle = self.wait_idle(timeout)
        return Response.json({"idle": idle, "counts": self.snapshot()["counts"]}, 200 if idle else 504)

    def _control_forget(self, request: Request) -> Response:
        with self._lock:
            self._deliveries = [delivery for delivery in self._deliveries if delivery.state == PENDING]
        return Response.json({"forgotten": True})

    # -- the sending thread -------------------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            due, delivery, attempt = self._queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                # Not due yet: put it back behind whatever else is waiting, and look again shortly.
                self._queue.put((due, delivery, attempt))
                time.sleep(min(wait, 0.05))
                continue
            self._attempt(delivery, attempt)

    def _attempt(self, delivery: Delivery, attempt: int) -> None:
        headers = {"Content-Type": "application/json", **delivery.headers}
        if self.user_agent:
            headers["User-Agent"] = self.user_agent
        if delivery.sign is not None:
            headers.update(delivery.sign(delivery.body))
        delivery.last_headers = dict(headers)
        status: int | None = None
        error: str | None = None
        try:
            answer = requests.post(
                delivery.url, data=delivery.body, headers=headers, timeout=self.policy.timeout_seconds
            )
            status = answer.status_code
        except requests.RequestException as exc:
            error = type(exc).__name__
        with self._lock:
            delivery.attempts.append({"at": self.clock.now().isoformat(), "status": status, "error": error})
            succeeded = status is not None and 200 <= status < 300
            final = status in self.policy.final_statuses or attempt >= len(self.policy.retry_delays)
            if succeeded or final:
                delivery.state = DELIVERED if succeeded else FAILED
                self._pending -= 1
                self._idle.notify_all()
                return
            delay = self.policy.retry_delays[attempt] * self.retry_time_scale
        self._queue.put((time.monotonic() + delay, delivery, attempt + 1))


class SendsStateEvents:
    """Mixin for a `VendorEmulator` whose state collects change events in `state.events`: after every request the
    vendor's webhooks for them are sent (`send_webhook_events`, the vendor's); a fresh state starts with none."""

    state: Any

    def send_webhook_events(self, request: Request) -> None:
        raise NotImplementedError

    def handle(self, request: Request) -> Response:
        response = super().handle(request)  # type: ignore[misc]
        if self.state.events:
            self.send_webhook_events(request)
        return response

    def _replace_state(self, config: Any) -> None:
        super()._replace_state(config)  # type: ignore[misc]
        self.state.events.clear()
