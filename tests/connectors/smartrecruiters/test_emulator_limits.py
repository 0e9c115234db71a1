"""The real API's limits: 10 req/s and 8 concurrent per credential, 1 concurrent GET /candidates, 429 + headers."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

import pytest
import requests

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, SmartRecruitersEmulator, create_app
from tests.connectors.smartrecruiters.conftest import SR

API_KEY_CREDENTIAL = "api_key:" + hashlib.sha256(DEFAULT_API_KEY.encode()).hexdigest()[:12]


@pytest.fixture
def sr_app(sr_clock: ManualClock) -> SmartRecruitersEmulator:
    return create_app(clock=sr_clock)  # limits on, as in production


def _wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 5
    while not condition():
        assert time.monotonic() < deadline, "the held request never arrived"
        time.sleep(0.005)


def test_ten_requests_per_second_then_429(sr: SR, sr_clock: ManualClock) -> None:
    answers = [sr.get("/jobs") for _ in range(11)]
    sr_clock.advance(1.0)
    after_a_second = sr.get("/jobs")

    assert [answer.status_code for answer in answers] == [200] * 10 + [429]
    assert [answer.headers["X-RateLimit-Remaining"] for answer in answers] == [str(n) for n in range(9, -1, -1)] + ["0"]
    limited = answers[10]
    assert limited.json() == {
        "message": "API limit exceeded: too many requests per second for this credential",
        "errors": [
            {
                "code": "TOO_MANY_REQUESTS",
                "message": "API limit exceeded: too many requests per second for this credential",
            }
        ],
    }
    assert {name: limited.headers[name] for name in limited.headers if name.startswith("X-RateLimit")} == {
        "X-RateLimit-Limit": "10",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Concurrent-Limit": "8",
        "X-RateLimit-Concurrent-Remaining": "8",  # the refused request is not in flight
    }
    assert "Retry-After" not in limited.headers  # not among the documented headers
    assert after_a_second.status_code == 200
    assert sr.control("GET", "/stats").json()["rateLimited"] == 1


def test_limits_are_per_credential(sr: SR) -> None:
    for _ in range(10):
        sr.get("/jobs")
    bearer = sr.bearer(["jobs_read"])

    assert sr.get("/jobs").status_code == 429
    assert bearer.get("/jobs").status_code == 200


def test_one_concurrent_candidate_search(sr: SR, sr_app: SmartRecruitersEmulator) -> None:
    sr.control("POST", "/faults", json={"kind": "latency", "latency": 0.5, "method": "GET", "path": "/candidates"})
    held: list[int] = []
    holder = threading.Thread(
        target=lambda: held.append(sr.as_(dict(sr.session.headers)).get("/candidates").status_code)
    )

    holder.start()
    _wait_until(lambda: sr_app.limiter.in_flight(API_KEY_CREDENTIAL, "GET /candidates") == 1)
    second_search = sr.get("/candidates")
    other_endpoint = sr.get("/jobs")
    holder.join()

    assert second_search.status_code == 429
    assert second_search.json()["errors"][0]["message"] == (
        "API limit exceeded: too many concurrent requests for this credential"
    )
    assert second_search.headers["X-RateLimit-Concurrent-Limit"] == "1"
    assert second_search.headers["X-RateLimit-Concurrent-Remaining"] == "0"
    assert other_endpoint.status_code == 200
    assert other_endpoint.headers["X-RateLimit-Concurrent-Remaining"] == "6"  # 8 − held search − itself
    assert held == [200]
    assert (
        sr.control("GET", "/stats").json()["credentials"][API_KEY_CREDENTIAL]["peakConcurrency"] == 2
    )  # the held search + one at a time


def test_eight_concurrent_requests_per_credential(
    sr: SR, sr_app: SmartRecruitersEmulator, sr_clock: ManualClock
) -> None:
    sr.control("POST", "/faults", json={"kind": "latency", "latency": 0.4, "count": 8, "path": "/users"})
    statuses: list[int] = []
    headers = dict(sr.session.headers)
    threads = [
        threading.Thread(target=lambda: statuses.append(requests.get(f"{sr.url}/users", headers=headers).status_code))
        for _ in range(8)
    ]

    for thread in threads:
        thread.start()
    _wait_until(lambda: sr_app.limiter.in_flight(API_KEY_CREDENTIAL) == 8)
    sr_clock.advance(1.0)  # a fresh second: only concurrency can refuse now
    ninth = sr.get("/jobs")
    for thread in threads:
        thread.join()

    assert (ninth.status_code, ninth.headers["X-RateLimit-Concurrent-Remaining"]) == (429, "0")
    assert statuses == [200] * 8


def test_publication_endpoints_allow_two_per_second(sr: SR) -> None:
    job_id = sr.state()["jobs"][3]["id"]

    answers = [sr.post(f"/jobs/{job_id}/publication", json={"visibility": "PUBLIC"}) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [204, 204, 429]
    assert [answer.headers["X-RateLimit-Limit"] for answer in answers] == ["2", "2", "2"]


def test_limits_switch_off_and_retry_after_switch_on(sr: SR) -> None:
    off = sr.control("POST", "/limits", json={"enabled": False}).json()
    unlimited = [sr.get("/jobs").status_code for _ in range(15)]
    on = sr.control("POST", "/limits", json={"enabled": True, "sendRetryAfter": True}).json()
    limited = sr.get("/jobs")

    assert off["enabled"] is False
    assert unlimited == [200] * 15
    assert on == {"enabled": True, "rate": 10, "window": 1.0, "concurrency": 8, "sendRetryAfter": True}
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "1")


def test_constructor_switch_turns_limits_off(sr_clock: ManualClock) -> None:
    app = create_app(clock=sr_clock, limits_enabled=False)

    assert app.limits_snapshot()["enabled"] is False
