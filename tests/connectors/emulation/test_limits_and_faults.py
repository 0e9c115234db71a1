from __future__ import annotations

import pytest

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.faults import FaultInjector
from apps.connectors.emulation.ratelimit import Limits, RateLimiter, RouteLimits
from apps.connectors.emulation.stats import RequestStats


def _limiter(**limits: float) -> tuple[RateLimiter, ManualClock]:
    clock = ManualClock()
    return RateLimiter(Limits(**limits), clock=clock), clock  # type: ignore[arg-type]


def test_rate_window_allows_the_limit_then_refuses_until_it_slides() -> None:
    limiter, clock = _limiter(rate=3, concurrency=10)

    tickets = [limiter.acquire("key") for _ in range(3)]
    for ticket in tickets:
        ticket.release()
    refused = limiter.acquire("key")
    clock.advance(0.5)
    still_refused = limiter.acquire("key")
    clock.advance(0.5)
    allowed_again = limiter.acquire("key")

    assert [ticket.headers["X-RateLimit-Remaining"] for ticket in tickets] == ["2", "1", "0"]
    assert (refused.allowed, refused.reason, refused.retry_after) == (False, "rate", 1.0)
    assert (still_refused.allowed, still_refused.retry_after) == (False, 0.5)
    assert allowed_again.allowed is True
    assert allowed_again.headers == {
        "X-RateLimit-Limit": "3",
        "X-RateLimit-Remaining": "2",
        "X-RateLimit-Concurrent-Limit": "10",
        "X-RateLimit-Concurrent-Remaining": "9",
    }


def test_refused_requests_do_not_use_budget() -> None:
    limiter, clock = _limiter(rate=1, concurrency=10)

    limiter.acquire("key").release()
    for _ in range(5):
        assert limiter.acquire("key").allowed is False
    clock.advance(1.0)

    assert limiter.acquire("key").allowed is True


def test_concurrency_is_counted_until_release_and_per_key() -> None:
    limiter, _ = _limiter(rate=100, concurrency=2)

    first, second = limiter.acquire("a"), limiter.acquire("a")
    third = limiter.acquire("a")
    other_key = limiter.acquire("b")
    first.release()
    first.release()  # idempotent
    fourth = limiter.acquire("a")

    assert (first.allowed, second.allowed) == (True, True)
    assert second.headers["X-RateLimit-Concurrent-Remaining"] == "0"
    assert (third.allowed, third.reason) == (False, "concurrency")
    assert other_key.allowed is True
    assert fourth.allowed is True
    assert limiter.in_flight("a") == 2


def test_route_override_has_its_own_concurrency_and_shares_the_global_budget() -> None:
    limiter, _ = _limiter(rate=10, concurrency=8)
    search = RouteLimits(bucket="GET /candidates", concurrency=1)

    held = limiter.acquire("key", search)
    second_search = limiter.acquire("key", search)
    plain = limiter.acquire("key")

    assert held.headers["X-RateLimit-Concurrent-Limit"] == "1"
    assert held.headers["X-RateLimit-Concurrent-Remaining"] == "0"
    assert (second_search.allowed, second_search.reason) == (False, "concurrency")
    assert plain.allowed is True
    assert plain.headers["X-RateLimit-Concurrent-Remaining"] == "6"  # 8 − the search − this request
    assert plain.headers["X-RateLimit-Remaining"] == "8"  # both allowed requests used the global rate


def test_route_override_rate() -> None:
    limiter, _ = _limiter(rate=10, concurrency=8)
    publication = RouteLimits(bucket="publication", rate=2)

    results = [limiter.acquire("key", publication) for _ in range(3)]
    for ticket in results:
        ticket.release()

    assert [ticket.allowed for ticket in results] == [True, True, False]
    assert results[0].headers["X-RateLimit-Limit"] == "2"
    assert results[1].headers["X-RateLimit-Remaining"] == "0"
    assert limiter.acquire("key").headers["X-RateLimit-Remaining"] == "7"


def test_disabled_limiter_lets_everything_through_but_still_reports() -> None:
    limiter, _ = _limiter(rate=1, concurrency=1)
    limiter.enabled = False

    tickets = [limiter.acquire("key") for _ in range(3)]

    assert all(ticket.allowed for ticket in tickets)
    assert tickets[2].headers["X-RateLimit-Remaining"] == "0"
    assert tickets[2].headers["X-RateLimit-Concurrent-Remaining"] == "0"


def test_faults_count_down_and_match_method_and_path() -> None:
    faults = FaultInjector()
    faults.add("status", status=503, count=2, method="get", path="/candidates*")
    faults.add("latency", latency=0.25, count=None, path="/jobs")

    other_method = faults.plan("POST", "/candidates")
    first = faults.plan("GET", "/candidates")
    second = faults.plan("GET", "/candidates/abc")
    third = faults.plan("GET", "/candidates")
    slow = faults.plan("GET", "/jobs")

    assert other_method.respond_with is None
    assert first.respond_with is not None
    assert first.respond_with.status == 503
    assert second.respond_with is not None
    assert third.respond_with is None
    assert (slow.latency, slow.respond_with) == (0.25, None)
    assert [fault.kind for fault in faults.list()] == ["latency"]


def test_first_decisive_fault_wins_and_only_it_is_consumed() -> None:
    faults = FaultInjector()
    drop = faults.add("drop", count=1)
    error = faults.add("status", status=500, count=1)

    first = faults.plan("GET", "/x")
    second = faults.plan("GET", "/x")

    assert first.drop is True
    assert second.respond_with is error
    assert drop.hits == 1
    assert faults.list() == []


@pytest.mark.parametrize(
    ("_case", "kwargs", "message"),
    [
        ("unknown kind", {"kind": "explode"}, "kind must be one of status, latency, drop"),
        ("zero count", {"kind": "status", "count": 0}, "count must be at least 1 (or null for every request)"),
        ("bad status", {"kind": "status", "status": 42}, "status must be an HTTP status code"),
    ],
)
def test_fault_validation(_case: str, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        FaultInjector().add(**kwargs)


def test_stats_peak_concurrency_and_throughput() -> None:
    clock = ManualClock()
    stats = RequestStats(clock)

    stats.started("a")
    stats.started("a")
    clock.advance(1.0)
    stats.finished("a", 200)
    stats.finished("a", 429)
    stats.started("b")
    clock.advance(1.0)
    stats.finished("b", 200)

    assert stats.snapshot() == {
        "totalRequests": 3,
        "rateLimited": 1,
        "statusCounts": {"200": 2, "429": 1},
        "elapsedSeconds": 2.0,
        "requestsPerSecond": 1.5,
        "credentials": {
            "a": {"requests": 2, "rateLimited": 1, "inFlight": 0, "peakConcurrency": 2, "peakRate": 2},
            "b": {"requests": 1, "rateLimited": 0, "inFlight": 0, "peakConcurrency": 1, "peakRate": 1},
        },
    }


def test_stats_peak_rate_is_the_busiest_sliding_window() -> None:
    clock = ManualClock()
    stats = RequestStats(clock)

    for step in (0.0, 0.3, 0.3, 0.3, 0.2, 0.6):  # starts at 0, .3, .6, .9, 1.1, 1.7
        clock.advance(step)
        stats.started("a")
        stats.finished("a", 200)

    assert (
        stats.snapshot()["credentials"]["a"]["peakRate"] == 4
    )  # four starts within one second (0 … 0.9, and again 0.3 … 1.1)
