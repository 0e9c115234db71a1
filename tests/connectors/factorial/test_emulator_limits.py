"""Throttling: 200 POST requests per minute per credential, 429 + Retry-After, switchable limits."""

from __future__ import annotations

import pytest

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.factorial.emulator import FactorialEmulator, create_app
from tests.connectors.factorial.conftest import FA


@pytest.fixture
def fa_app(fa_clock: ManualClock) -> FactorialEmulator:
    return create_app(clock=fa_clock)  # limits on, as in production


def test_two_hundred_posts_a_minute_then_429_with_retry_after(fa: FA, fa_clock: ManualClock) -> None:
    statuses = {fa.post("/ats/feedbacks", json={}).status_code for _ in range(200)}
    fa_clock.advance(15)
    limited = fa.post("/ats/feedbacks", json={})
    read = fa.get("/ats/candidates")
    other_credential = fa.bearer(["recruitment"]).post("/ats/feedbacks", json={})
    fa_clock.advance(45)
    a_minute_later = fa.post("/ats/feedbacks", json={})

    assert statuses == {422}  # every one of them was let through (and refused for its empty body)
    assert (limited.status_code, limited.json()) == (
        429,
        {
            "error": "too_many_requests",
            "error_description": "Rate limit exceeded: at most 200 POST requests per minute",
        },
    )
    assert limited.headers["Retry-After"] == "45"  # the oldest POST leaves the window in 45 s
    assert not [name for name in limited.headers if name.lower().startswith("x-ratelimit")]
    assert read.status_code == 200  # reads are not in the POST budget
    assert other_credential.status_code == 422  # the budget is per credential
    assert a_minute_later.status_code == 422
    stats = fa.control("GET", "/stats").json()
    assert (stats["rateLimited"], stats["statusCounts"]["429"]) == (1, 1)


def test_post_rate_is_configurable_and_limits_switch_off(fa: FA) -> None:
    configured = fa.control("POST", "/limits", json={"postRate": 2}).json()
    answers = [fa.post("/ats/feedbacks", json={}).status_code for _ in range(3)]
    bad = fa.control("POST", "/limits", json={"postRate": 0})
    off = fa.control("POST", "/limits", json={"enabled": False}).json()
    unlimited = [fa.post("/ats/feedbacks", json={}).status_code for _ in range(3)]

    assert configured == {
        "enabled": True,
        "rate": 100000,
        "window": 60.0,
        "concurrency": 1000,
        "sendRetryAfter": True,
        "postRate": 2,
    }
    assert answers == [422, 422, 429]
    assert (bad.status_code, bad.json()) == (400, {"error": "postRate must be a positive integer"})
    assert off["enabled"] is False
    assert unlimited == [422, 422, 422]


def test_the_general_budget_can_be_tightened_for_reads(fa: FA) -> None:
    fa.control("POST", "/limits", json={"rate": 2})

    answers = [fa.get("/ats/candidates").status_code for _ in range(3)]

    assert answers == [200, 200, 429]


def test_constructor_switches(fa_clock: ManualClock) -> None:
    app = create_app(clock=fa_clock, limits_enabled=False, post_rate=50, send_retry_after=False)

    assert app.limits_snapshot() == {
        "enabled": False,
        "rate": 100000,
        "window": 60.0,
        "concurrency": 1000,
        "sendRetryAfter": False,
        "postRate": 50,
    }
