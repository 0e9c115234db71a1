"""Per-credential rate and concurrency limits, with per-route overrides and `X-RateLimit-*` headers.

Rate: a sliding window (`window` seconds, `rate` requests). Concurrency: requests in flight at once.
A route override (`RouteLimits`) adds its own bucket with its own rate and/or concurrency; a request on such a
route must fit both its bucket and the credential's global budget. Rejected requests do not use up budget.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from apps.connectors.emulation.clock import Clock

GLOBAL_BUCKET = "*"


@dataclass(frozen=True)
class Limits:
    rate: int = 10
    concurrency: int = 8
    window: float = 1.0


@dataclass(frozen=True)
class RouteLimits:
    """An override for some routes: `bucket` names the shared budget (e.g. `GET /candidates`)."""

    bucket: str
    rate: int | None = None
    concurrency: int | None = None


@dataclass
class Ticket:
    """The limiter's decision for one request. Call `release()` when the request is done (idempotent)."""

    allowed: bool
    headers: dict[str, str]
    retry_after: float | None = None
    reason: str | None = None
    _release: Callable[[], None] | None = field(default=None, repr=False)

    def release(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()


class RateLimiter:
    """Thread-safe limiter. When `enabled` is False every request passes, but headers are still computed."""

    def __init__(self, limits: Limits | None = None, *, clock: Clock | None = None, enabled: bool = True) -> None:
        self.limits = limits or Limits()
        self.clock = clock or Clock()
        self.enabled = enabled
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], deque[float]] = {}
        self._in_flight: dict[tuple[str, str], int] = {}

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()
            self._in_flight.clear()

    def in_flight(self, key: str, bucket: str = GLOBAL_BUCKET) -> int:
        with self._lock:
            return self._in_flight.get((key, bucket), 0)

    def _window(self, slot: tuple[str, str], now: float) -> deque[float]:
        window = self._windows.setdefault(slot, deque())
        horizon = now - self.limits.window
        while window and window[0] <= horizon:
            window.popleft()
        return window

    def acquire(self, key: str, route: RouteLimits | None = None, *, rate: int | None = None) -> Ticket:
        """`rate`: this credential's own rate per window where the vendor gives credential kinds different rates
        (e.g. Workable: account tokens 10, OAuth tokens 50 per 10 s); None = `limits.rate`."""
        limits = self.limits if rate is None else Limits(rate=rate, concurrency=self.limits.concurrency,
                                                          window=self.limits.window)  # fmt: skip
        with self._lock:
            now = self.clock.monotonic()
            global_slot = (key, GLOBAL_BUCKET)
            global_window = self._window(global_slot, now)
            route_slot = (key, route.bucket) if route else None
            route_rate = route.rate if route else None
            route_concurrency = route.concurrency if route else None
            route_window = self._window(route_slot, now) if route_slot and route_rate else None

            rate_ok = len(global_window) < limits.rate and (route_window is None or len(route_window) < route_rate)
            global_busy = self._in_flight.get(global_slot, 0)
            route_busy = self._in_flight.get(route_slot, 0) if route_slot and route_concurrency else 0
            concurrency_ok = global_busy < limits.concurrency and (
                route_concurrency is None or route_busy < route_concurrency
            )
            allowed = not self.enabled or (rate_ok and concurrency_ok)
            if allowed:
                global_window.append(now)
                if route_window is not None:
                    route_window.append(now)
                self._in_flight[global_slot] = global_busy + 1
                global_busy += 1
                if route_slot and route_concurrency:
                    self._in_flight[route_slot] = route_busy + 1
                    route_busy += 1

            rate_limit = route_rate or limits.rate
            rate_remaining = limits.rate - len(global_window)
            if route_window is not None and route_rate:
                rate_remaining = min(rate_remaining, route_rate - len(route_window))
            concurrency_limit = route_concurrency or limits.concurrency
            concurrency_remaining = limits.concurrency - global_busy
            if route_concurrency:
                concurrency_remaining = min(concurrency_remaining, route_concurrency - route_busy)
            headers = {
                "X-RateLimit-Limit": str(rate_limit),
                "X-RateLimit-Remaining": str(max(0, rate_remaining)),
                "X-RateLimit-Concurrent-Limit": str(concurrency_limit),
                "X-RateLimit-Concurrent-Remaining": str(max(0, concurrency_remaining)),
            }
            if allowed:
                return Ticket(True, headers, _release=lambda: self._release(global_slot, route_slot, route_concurrency))
            retry_after: float = 1.0
            if not rate_ok:
                oldest = [window[0] for window in (global_window, route_window) if window]
                if oldest:
                    retry_after = max(0.001, max(oldest) + limits.window - now)
            reason = "rate" if not rate_ok else "concurrency"
            return Ticket(False, headers, retry_after=math.ceil(retry_after * 1000) / 1000, reason=reason)

    def _release(
        self, global_slot: tuple[str, str], route_slot: tuple[str, str] | None, route_concurrency: int | None
    ) -> None:
        with self._lock:
            self._in_flight[global_slot] = max(0, self._in_flight.get(global_slot, 0) - 1)
            if route_slot and route_concurrency:
                self._in_flight[route_slot] = max(0, self._in_flight.get(route_slot, 0) - 1)
