"""`EmulatedHarness`: the contract harness parts every connector on a kit emulator (`VendorEmulator`) shares.

The emulator runs on loopback with a `ManualClock`; faults go through `POST /_emulator/faults`, the state is read
from `GET /_emulator/state`. A tool's harness adds what is its own: how to build its connector, seed, change and
delete a record of `model`, its full record, and — for a write harness — `create_call`, the request its
`create_application` writes with.

Timeouts without flakes: a TIMEOUT fault holds its request for `HOLD` seconds, far beyond the connectors'
`READ_TIMEOUT`, so the connector surely gives up first however slowly the machine runs; `settle_faults` then waits
until the emulator has taken up the fault (it may not have reached the request yet when the connector gave up) and
ends the hold (`DELETE /_emulator/faults` releases held requests), so nothing is still asleep in the emulator when
the test goes on. `READ_TIMEOUT` itself is generous for a loopback answer: only a held request reaches it.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import requests

from apps.connectors.emulation.clock import ManualClock
from tests.connectors.contract import ConnectorHarness, Fault

READ_TIMEOUT = 2.0  # the connectors' read timeout in the contract; a healthy loopback answer takes milliseconds
HOLD = 600.0  # how long a TIMEOUT fault holds its request (until `settle_faults` releases it)
SETTLE_SECONDS = 30.0  # how long `settle_faults` waits for the emulator before it fails the test


class EmulatedHarness(ConnectorHarness):
    #: The request that writes in the connector's `create_application`, as `(method, path pattern)` of
    #: `POST /_emulator/faults` (`None`: any). Default: its first POST — override when the create posts a lookup
    #: first, or posts everything (an RPC-style API).
    create_call: tuple[str | None, str | None] = ("POST", None)

    def __init__(self, url: str, clock: ManualClock) -> None:
        self.url = url
        self.clock = clock

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)
        assert response.ok, response.text
        return response.json()

    def state(self) -> dict[str, Any]:
        return self.control("GET", "/state")

    def fault_spec(self, fault: Fault, *, retry_after: float | None = None) -> dict[str, Any]:
        """The `POST /_emulator/faults` body of `fault` (without count and target)."""
        return {
            Fault.RATE_LIMITED: {"kind": "status", "status": 429, "retryAfter": retry_after},
            Fault.UNAVAILABLE: {"kind": "status", "status": self.unavailable_status},
            Fault.TIMEOUT: {"kind": "latency", "latency": HOLD},
            Fault.AUTH_FAILURE: {"kind": "status", "status": 401},
        }[fault]

    def inject_fault(self, fault: Fault, *, retry_after: float | None = None) -> None:
        self.control("POST", "/faults", json={**self.fault_spec(fault, retry_after=retry_after), "count": 1})

    def inject_fault_on_create(self, fault: Fault) -> None:
        method, path = self.create_call
        self.control("POST", "/faults", json={**self.fault_spec(fault), "count": 1, "method": method, "path": path})

    def revoke_credentials(self) -> None:
        # Every request answers 401 until the faults are cleared: token renewals included, as for a revoked key.
        self.control("POST", "/faults", json={**self.fault_spec(Fault.AUTH_FAILURE), "count": None})

    def settle_faults(self) -> None:
        deadline = time.monotonic() + SETTLE_SECONDS
        while pending := [fault for fault in self.control("GET", "/faults")["faults"] if fault["count"] is not None]:
            assert time.monotonic() < deadline, f"no request took up the injected faults: {pending}"
            time.sleep(0.01)
        self.control("DELETE", "/faults")
        while held := self.control("GET", "/faults")["held"]:
            assert time.monotonic() < deadline, f"{held} request(s) still held after the faults were cleared"
            time.sleep(0.01)

    def now(self) -> datetime:
        # The emulator's clock is ours to move: records made so far are a second older than the instant returned,
        # records changed afterwards a second newer.
        self.clock.advance(1)
        instant = self.clock.now()
        self.clock.advance(1)
        return instant
