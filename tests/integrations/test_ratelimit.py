"""The rate limiter shared by all processes of an integration (database-backed)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from apps.connectors.catalog import RateBudget
from apps.integrations.models import RateLimitLease, RateLimitState
from apps.integrations.ratelimit import DatabaseRateLimiter
from tests.integrations.processes import ROOT, worker_env


def test_bookings_are_spaced_by_the_budget(db: None) -> None:
    booked: list[float] = []
    limiter = DatabaseRateLimiter(sleep=lambda seconds: None, on_booking=booked.append)
    budget = RateBudget(requests_per_second=4)

    for _ in range(5):
        with limiter.slot("acme:1", budget):
            assert RateLimitLease.objects.filter(key="acme:1").count() == 1

    gaps = [round(later - earlier, 6) for earlier, later in zip(booked, booked[1:], strict=False)]
    assert gaps == [0.25, 0.25, 0.25, 0.25]
    assert RateLimitLease.objects.count() == 0
    assert RateLimitState.objects.get(key="acme:1").next_start == pytest.approx(booked[-1] + 0.25, abs=1e-6)


def test_hold_off_pushes_every_next_booking_past_it(db: None) -> None:
    booked: list[float] = []
    limiter = DatabaseRateLimiter(sleep=lambda seconds: None, on_booking=booked.append)

    limiter.hold_off("acme:2", 30)
    with limiter.slot("acme:2", RateBudget(requests_per_second=100)):
        pass

    assert booked == [RateLimitState.objects.get(key="acme:2").blocked_until]
    with limiter.slot("acme:other", RateBudget(requests_per_second=100)):
        pass
    assert booked[1] < booked[0] - 29  # other integrations are not held off


def _run_workers(key: str, *, slots: int, rps: float, concurrency: int, hold: float) -> list[list[float]]:
    command = [sys.executable, "-m", "tests.integrations.ratelimit_worker", key, str(slots), str(rps),
               str(concurrency), str(hold)]  # fmt: skip
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=worker_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err.decode()
        results.append(json.loads(out))
    return results


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_one_budget() -> None:
    first, second = _run_workers("acme:shared", slots=6, rps=20, concurrency=8, hold=0)

    starts = sorted(row[0] for row in first + second)
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 12
    assert min(gaps) >= 0.05 - 1e-6  # together, never faster than 20 per second
    assert RateLimitLease.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_one_concurrency_slot() -> None:
    first, second = _run_workers("acme:serial", slots=4, rps=1000, concurrency=1, hold=0.05)

    spans = sorted((row[1], row[2]) for row in first + second)
    assert len(spans) == 8
    assert all(left <= next_entered for (_, left), (next_entered, _) in zip(spans, spans[1:], strict=False))
