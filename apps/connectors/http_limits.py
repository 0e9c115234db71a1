"""Rate limiting for the HTTP seam: the `RateLimiter` protocol `HttpClient` consults before each request, the
in-process limiters (no limit; threads of one process), and the lanes of a `RateBudget` (per-route concurrency and
rate overrides). The limiter shared by every process lives in `apps.integrations.ratelimit`."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from apps.connectors.catalog import RateBudget


class RateLimiter(Protocol):
    """Keeps all requests made with one key (our integration id) under the connector's `RateBudget`.

    Implementations must be shared by every process that works for the integration: the one used in
    production lives in `apps.integrations.ratelimit` (database-backed). `slot` blocks until a request may
    start and holds a concurrency slot until the block exits; `hold_off` makes every caller of the key wait
    `seconds` from now (the limiter's own clock), e.g. after a 429 with `Retry-After`.
    """

    def slot(self, key: str, budget: RateBudget, lane: str | None = None) -> AbstractContextManager[None]: ...

    def hold_off(self, key: str, seconds: float) -> None: ...


class UnlimitedRateLimiter:
    """No limits at all (connectors without a budget, unit tests of other behaviour)."""

    @contextlib.contextmanager
    def slot(self, key: str, budget: RateBudget, lane: str | None = None) -> Iterator[None]:
        yield

    def hold_off(self, key: str, seconds: float) -> None:
        return None


class LocalRateLimiter:
    """In-process limiter (threads of one process only): scripts and tests. Same algorithm as the shared one.

    Requests are spaced by `1 / requests_per_second` (a reservation scheduler: each caller books the next free
    start time and sleeps until then) and at most `max_concurrency` (or the lane's override) run at once.
    """

    def __init__(self, *, clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Condition()
        self._next_start: dict[str, float] = {}
        self._blocked_until: dict[str, float] = {}
        self._in_flight: dict[tuple[str, str | None], int] = {}

    @contextlib.contextmanager
    def slot(self, key: str, budget: RateBudget, lane: str | None = None) -> Iterator[None]:
        limit = concurrency_limit(budget, lane)
        lane_key = (key, lane if lane in budget.concurrency_overrides else None)
        with self._lock:
            while self._in_flight.get(lane_key, 0) >= limit:
                self._lock.wait(timeout=0.05)
            self._in_flight[lane_key] = self._in_flight.get(lane_key, 0) + 1
            now = self._clock()
            start = max(now, self._next_start.get(key, 0.0), self._blocked_until.get(key, 0.0))
            self._next_start[key] = start + 1.0 / budget.requests_per_second
        try:
            if start > now:
                self._sleep(start - now)
            yield
        finally:
            with self._lock:
                self._in_flight[lane_key] -= 1
                self._lock.notify_all()

    def hold_off(self, key: str, seconds: float) -> None:
        with self._lock:
            self._blocked_until[key] = max(self._blocked_until.get(key, 0.0), self._clock() + seconds)


def concurrency_limit(budget: RateBudget, lane: str | None) -> int:
    if lane is not None and lane in budget.concurrency_overrides:
        return budget.concurrency_overrides[lane]
    return budget.max_concurrency


def _matching_lane(lanes: Sequence[str], method: str, path: str) -> str | None:
    for lane in lanes:
        lane_method, _, prefix = lane.partition(" ")
        if lane_method.upper() == method.upper() and path.startswith(prefix):
            return lane
    return None


def lane_for(budget: RateBudget | None, method: str, path: str) -> str | None:
    """The `concurrency_overrides` entry (`"GET /candidates"`) whose method and path prefix match, if any."""
    if budget is None:
        return None
    return _matching_lane(list(budget.concurrency_overrides), method, path)


def rate_lane_for(budget: RateBudget | None, method: str, path: str) -> str | None:
    """The `rate_overrides` entry (`"POST /"`) whose method and path prefix match, if any."""
    if budget is None:
        return None
    return _matching_lane(list(budget.rate_overrides), method, path)


def rate_key_for(key: str, lane: str) -> str:
    """The limiter key under which a rate-override lane of `key` books its own, slower spacing."""
    return f"{key} [{lane}]"
