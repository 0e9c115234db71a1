"""Request counters: totals, status codes, 429s and peak concurrency per credential, achieved requests/s."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from apps.connectors.emulation.clock import Clock


@dataclass
class _CredentialStats:
    requests: int = 0
    rate_limited: int = 0
    in_flight: int = 0
    peak_concurrency: int = 0
    peak_rate: int = 0  # most requests started within any `window` seconds
    recent: deque[float] = field(default_factory=deque)


class RequestStats:
    """Counts every API request (control endpoints are not counted).

    Concurrency is what the client attempted: requests the limiter refused count while they are answered; so is the
    peak rate (requests started within any `window` seconds, refused ones included).
    """

    def __init__(self, clock: Clock | None = None, window: float = 1.0) -> None:
        self.clock = clock or Clock()
        self.window = window
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._total = 0
            self._status_counts: dict[int, int] = {}
            self._credentials: dict[str, _CredentialStats] = {}
            self._first: float | None = None
            self._last: float | None = None

    def started(self, credential: str) -> None:
        with self._lock:
            now = self.clock.monotonic()
            if self._first is None:
                self._first = now
            entry = self._credentials.setdefault(credential, _CredentialStats())
            entry.requests += 1
            entry.in_flight += 1
            entry.peak_concurrency = max(entry.peak_concurrency, entry.in_flight)
            entry.recent.append(now)
            while entry.recent and entry.recent[0] <= now - self.window:
                entry.recent.popleft()
            entry.peak_rate = max(entry.peak_rate, len(entry.recent))
            self._total += 1

    def finished(self, credential: str, status: int) -> None:
        with self._lock:
            self._last = self.clock.monotonic()
            self._status_counts[status] = self._status_counts.get(status, 0) + 1
            entry = self._credentials.setdefault(credential, _CredentialStats())
            entry.in_flight = max(0, entry.in_flight - 1)
            if status == 429:
                entry.rate_limited += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            elapsed = (self._last - self._first) if self._first is not None and self._last is not None else 0.0
            return {
                "totalRequests": self._total,
                "rateLimited": self._status_counts.get(429, 0),
                "statusCounts": {str(code): count for code, count in sorted(self._status_counts.items())},
                "elapsedSeconds": round(elapsed, 3),
                # Achieved throughput between the first request's start and the last request's end.
                "requestsPerSecond": round(self._total / elapsed, 3) if elapsed > 0 else None,
                "credentials": {
                    key: {
                        "requests": entry.requests,
                        "rateLimited": entry.rate_limited,
                        "inFlight": entry.in_flight,
                        "peakConcurrency": entry.peak_concurrency,
                        "peakRate": entry.peak_rate,
                    }
                    for key, entry in sorted(self._credentials.items())
                },
            }
