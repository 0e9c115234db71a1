"""Time sources for emulators: the real clock, or a manual one tests can move by hand."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class Clock:
    """Wall-clock time (`now`, `time`) and a monotonic counter (`monotonic`) for rate windows."""

    def now(self) -> datetime:
        return datetime.now(tz=UTC)

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float, *, until: threading.Event | None = None) -> None:
        """Wait `seconds`, or less if `until` is set meanwhile."""
        if seconds <= 0:
            return
        if until is None:
            time.sleep(seconds)
        else:
            until.wait(seconds)


class ManualClock(Clock):
    """A clock that only moves when told to: rate windows and token expiry become deterministic in tests.

    `sleep` still really sleeps (latency faults must hold a request open) but does not move this clock; it records
    each wait in `slept`, so tests can check injected latency exactly.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._now = start or datetime(2025, 1, 1, tzinfo=UTC)
        self._monotonic = 1000.0
        self.slept: list[float] = []

    def sleep(self, seconds: float, *, until: threading.Event | None = None) -> None:
        with self._lock:
            self.slept.append(seconds)
        super().sleep(seconds, until=until)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def time(self) -> float:
        return self.now().timestamp()

    def monotonic(self) -> float:
        with self._lock:
            return self._monotonic

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            self._monotonic += seconds
