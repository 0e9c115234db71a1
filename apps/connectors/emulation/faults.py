"""Fault injection: the next N matching requests answer a status, wait longer, or lose their connection.

A fault matches on HTTP method (or any) and a shell-style path pattern (`/candidates*`, `/jobs/*/status`).
`count` is how many requests it affects; `None` means every matching request until the faults are cleared.
`skip` lets that many matching requests through first: `skip=2` faults the 3rd matching request (e.g. the
read-back after a create, not the create). `probability` (with `seed`, for repeatable runs) makes it hit each
matching request with that chance only: `{"probability": 0.2, "count": null}` faults a fifth of them.

A request a latency fault holds is released early when the faults are cleared (`DELETE /_emulator/faults`,
`/_emulator/reset`): a test can give a request the longest latency (a timeout that surely fires) and still not wait
for it, and `held` tells it when every held request has been answered (its side effects are done).
"""

from __future__ import annotations

import fnmatch
import itertools
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

KINDS = ("status", "latency", "drop", "lose_answer")


@dataclass
class Fault:
    """One injected fault. `kind`: `status` (answer `status` with `body`), `latency` (wait `latency` seconds first),
    `drop` (close the connection without an answer), `lose_answer` (carry the request out, then close the
    connection without its answer: the vendor acted and the caller cannot know)."""

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
    skip: int = 0
    probability: float | None = None
    seed: int | None = None
    hits: int = 0
    seen: int = 0
    _random: random.Random | None = field(default=None, repr=False, compare=False)

    def matches(self, method: str, path: str) -> bool:
        if self.count is not None and self.count <= 0:
            return False
        if self.method and self.method.upper() != method.upper():
            return False
        return not self.path or fnmatch.fnmatchcase(path, self.path)

    def applies(self) -> bool:
        """Called once per matching request: whether this one is hit (after `skip`, with `probability`)."""
        self.seen += 1
        if self.seen <= self.skip:
            return False
        if self.probability is None:
            return True
        if self._random is None:
            self._random = random.Random(self.seed)
        return self._random.random() < self.probability

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
            "skip": self.skip,
            "probability": self.probability,
            "seed": self.seed,
            "seen": self.seen,
            "hits": self.hits,
        }


@dataclass(frozen=True)
class FaultPlan:
    """What to do to one request: wait `latency` seconds (or until `released` is set), then drop it or answer
    `respond_with` (if set)."""

    latency: float = 0.0
    respond_with: Fault | None = None
    drop: bool = False
    lose_answer: bool = False
    released: threading.Event | None = None


class FaultInjector:
    """Thread-safe list of pending faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self._released = threading.Event()  # set (and replaced) by `clear`: wakes the requests held until then
        self._held = 0

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
        skip: int = 0,
        probability: float | None = None,
        seed: int | None = None,
    ) -> Fault:
        if skip < 0:
            raise ValueError("skip must not be negative")
        if probability is not None and not 0.0 < probability <= 1.0:
            raise ValueError("probability must be in (0, 1]")
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
                skip=skip,
                probability=probability,
                seed=seed,
            )
            self._faults.append(fault)
            return fault

    def clear(self) -> None:
        """Remove every fault and release the requests latency faults hold now (they go on to their answer)."""
        with self._lock:
            self._faults.clear()
            self._released.set()
            self._released = threading.Event()

    @property
    def held(self) -> int:
        """Requests a latency fault holds (or that were released and are not answered yet)."""
        with self._lock:
            return self._held

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Count a request as held while the block runs (its wait and its answer)."""
        with self._lock:
            self._held += 1
        try:
            yield
        finally:
            with self._lock:
                self._held -= 1

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
                if not fault.matches(method, path) or not fault.applies():
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
            released = self._released
        if decisive is not None and decisive.kind == "drop":
            return FaultPlan(latency=latency, drop=True, released=released)
        if decisive is not None and decisive.kind == "lose_answer":
            return FaultPlan(latency=latency, lose_answer=True, released=released)
        return FaultPlan(latency=latency, respond_with=decisive, released=released)
