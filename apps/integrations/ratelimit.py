"""The rate limiter shared by every process of an integration, kept in the main database.

Several qcluster workers, on several machines, and the web processes all call the same ATS with the same
credentials. Each request books the next free start time of its integration in one row (locked for the
booking), so requests are spaced by `1 / requests_per_second` across all of them; a 429 or an exhausted
`X-RateLimit-Remaining` pushes `blocked_until` for everyone. Concurrency slots are lease rows that expire
by themselves when a process dies mid-request. Times come from the database clock, so machines with
slightly different clocks still agree.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from django.db import IntegrityError, connections, transaction

from apps.connectors.catalog import RateBudget
from apps.connectors.http_limits import concurrency_limit
from apps.integrations.models import RateLimitLease, RateLimitState

# A lease outlives any single request (timeouts are far below this), then frees itself.
LEASE_SECONDS = 120.0
POLL_SECONDS = 0.05


class DatabaseRateLimiter:
    """`apps.connectors.http_limits.RateLimiter` backed by `RateLimitState` / `RateLimitLease` rows."""

    def __init__(
        self,
        *,
        using: str = "default",
        lease_seconds: float = LEASE_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
        on_booking: Callable[[float], None] | None = None,
    ) -> None:
        self.using = using
        self.lease_seconds = lease_seconds
        self._sleep = sleep
        # Called with each booked start time (database clock); tests use it to check spacing across processes.
        self._on_booking = on_booking

    @contextlib.contextmanager
    def slot(self, key: str, budget: RateBudget, lane: str | None = None) -> Iterator[None]:
        lane_name = lane if lane is not None and lane in budget.concurrency_overrides else ""
        lease_id, wait = self._book(key, budget, lane_name)
        try:
            if wait > 0:
                self._sleep(wait)
            yield
        finally:
            if lease_id is not None:
                RateLimitLease.objects.using(self.using).filter(pk=lease_id).delete()

    def hold_off(self, key: str, seconds: float) -> None:
        self._ensure_row(key)
        with transaction.atomic(using=self.using):
            state = RateLimitState.objects.using(self.using).select_for_update().get(key=key)
            until = self._now() + seconds
            if until > state.blocked_until:
                state.blocked_until = until
                state.save(update_fields=["blocked_until"])

    # -- internals ---------------------------------------------------------------------------------

    def _book(self, key: str, budget: RateBudget, lane: str) -> tuple[int | None, float]:
        """Reserve a start time (and a concurrency slot); returns (lease id, seconds to wait)."""
        self._ensure_row(key)
        total_limit = budget.max_concurrency
        lane_limit = concurrency_limit(budget, lane or None)
        interval = 1.0 / budget.requests_per_second
        while True:
            with transaction.atomic(using=self.using):
                state = RateLimitState.objects.using(self.using).select_for_update().get(key=key)
                now = self._now()
                leases = RateLimitLease.objects.using(self.using).filter(key=key)
                leases.filter(expires_at__lte=now).delete()
                busy = leases.count() >= total_limit or (lane and leases.filter(lane=lane).count() >= lane_limit)
                if not busy:
                    start = max(now, state.next_start, state.blocked_until)
                    state.next_start = start + interval
                    state.save(update_fields=["next_start"])
                    lease = RateLimitLease.objects.using(self.using).create(
                        key=key, lane=lane, expires_at=start + self.lease_seconds
                    )
                    if self._on_booking is not None:
                        self._on_booking(start)
                    return lease.pk, start - now
            self._sleep(POLL_SECONDS)

    def _ensure_row(self, key: str) -> None:
        if RateLimitState.objects.using(self.using).filter(key=key).exists():
            return
        with contextlib.suppress(IntegrityError), transaction.atomic(using=self.using):
            RateLimitState.objects.using(self.using).create(key=key)

    def _now(self) -> float:
        connection = connections[self.using]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT EXTRACT(EPOCH FROM clock_timestamp())")
            else:
                cursor.execute("SELECT (julianday('now') - 2440587.5) * 86400.0")
            return float(cursor.fetchone()[0])


def shared_rate_limiter() -> DatabaseRateLimiter:
    return DatabaseRateLimiter()
