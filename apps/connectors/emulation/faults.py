"""Fault injection: the next N matching requests answer a status, wait longer, or lose their connection.

A fault matches on HTTP method (or any) and a shell-style path pattern (`/candidates*`, `/jobs/*/status`).
`count` is how many requests it affects; `None` means every matching request until the faults are cleared.
"""

from __future__ import annotations

import fnmatch
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

KINDS = ("status", "latency", "drop")


@dataclass
class Fault:
    """One injected fault. `kind`: `status` (answer `status` with `body`), `latency` (wait `latency` seconds first),
    `drop` (close the connection without an answer)."""

    id: int
    kind: str
    count: int | None = 1
    method: str | None = None
    path: str | None = None
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    retry_after: float | None = None
    latency: float = 0.0
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.count is not None and self.count <= 0:
            return False
        if self.method and self.method.upper() != method.upper():
            return False
        return not self.path or fnmatch.fnmatchcase(path, self.path)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "count": self.count,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "body": self.body,
            "headers": self.headers,
            "retryAfter": self.retry_after,
            "latency": self.latency,
            "hits": self.hits,
        }


@dataclass(frozen=True)
class FaultPlan:
    """What to do to one request: wait `latency` seconds, then drop it or answer `respond_with` (if set)."""

    latency: float = 0.0
    respond_with: Fault | None = None
    drop: bool = False


class FaultInjector:
    """Thread-safe list of pending faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(
        self,
        kind: str,
        *,
        count: int | None = 1,
        method: str | None = None,
        path: str | None = None,
        status: int = 500,
        body: Any = None,
        headers: dict[str, str] | None = None,
        retry_after: float | None = None,
        latency: float = 0.0,
    ) -> Fault:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1 (or null for every request)")
        if not 100 <= status <= 599:
            raise ValueError("status must be an HTTP status code")
        if latency < 0:
            raise ValueError("latency must not be negative")
        with self._lock:
            fault = Fault(
                id=next(self._ids),
                kind=kind,
                count=count,
                method=method.upper() if method else None,
                path=path,
                status=status,
                body=body,
                headers=dict(headers or {}),
                retry_after=retry_after,
                latency=latency,
            )
            self._faults.append(fault)
            return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def list(self) -> list[Fault]:
        with self._lock:
            return [fault for fault in self._faults if fault.count is None or fault.count > 0]

    def plan(self, method: str, path: str) -> FaultPlan:
        """Consume the faults that apply to this request: all matching latencies add up; the first matching
        `status`/`drop` fault decides the answer."""
        latency = 0.0
        decisive: Fault | None = None
        with self._lock:
            for fault in self._faults:
                if not fault.matches(method, path):
                    continue
                if fault.kind == "latency":
                    latency += fault.latency
                elif decisive is None:
                    decisive = fault
                    latency += fault.latency  # a slow error answer
                else:
                    continue
                fault.hits += 1
                if fault.count is not None:
                    fault.count -= 1
            self._faults = [fault for fault in self._faults if fault.count is None or fault.count > 0]
        if decisive is not None and decisive.kind == "drop":
            return FaultPlan(latency=latency, drop=True)
        return FaultPlan(latency=latency, respond_with=decisive)
