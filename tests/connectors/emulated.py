"""`EmulatedHarness`: the contract harness parts every connector on a kit emulator (`VendorEmulator`) shares.

The emulator runs on loopback with a `ManualClock`; faults go through `POST /_emulator/faults`, the state is read
from `GET /_emulator/state`. A tool's harness adds what is its own: how to build its connector, seed, change and
delete a record of `model`, and its full record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import requests

from apps.connectors.emulation.clock import ManualClock
from tests.connectors.contract import ConnectorHarness, Fault

READ_TIMEOUT = 0.5  # the connectors' read timeout in the contract: a TIMEOUT fault waits three times as long


class EmulatedHarness(ConnectorHarness):
    def __init__(self, url: str, clock: ManualClock) -> None:
        self.url = url
        self.clock = clock

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)
        assert response.ok, response.text
        return response.json()

    def state(self) -> dict[str, Any]:
        return self.control("GET", "/state")

    def inject_fault(self, fault: Fault, *, retry_after: float | None = None) -> None:
        body: dict[str, Any] = {
            Fault.RATE_LIMITED: {"kind": "status", "status": 429, "retryAfter": retry_after},
            Fault.UNAVAILABLE: {"kind": "status", "status": self.unavailable_status},
            Fault.TIMEOUT: {"kind": "latency", "latency": READ_TIMEOUT * 3},
            Fault.AUTH_FAILURE: {"kind": "status", "status": 401},
        }[fault]
        self.control("POST", "/faults", json={**body, "count": 1})

    def now(self) -> datetime:
        # The emulator's clock is ours to move: records made so far are a second older than the instant returned,
        # records changed afterwards a second newer.
        self.clock.advance(1)
        instant = self.clock.now()
        self.clock.advance(1)
        return instant
