"""Fault injection and the `/_emulator/` control endpoints of the SmartRecruiters emulator."""

from __future__ import annotations

import pytest
import requests

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.smartrecruiters.emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SmartRecruitersEmulator
from tests.connectors.smartrecruiters.conftest import SR


# -- faults -------------------------------------------------------------------------------------------
def test_status_fault_with_body_and_retry_after(sr: SR) -> None:
    sr.control(
        "POST",
        "/faults",
        json={
            "kind": "status",
            "status": 429,
            "count": 2,
            "path": "/candidates",
            "retryAfter": 3,
            "body": {"message": "slow down"},
        },
    )

    first, second, third = (sr.get("/candidates") for _ in range(3))

    assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
    assert first.json() == {"message": "slow down"}
    assert first.headers["Retry-After"] == "3"
    assert first.headers["X-RateLimit-Limit"] == "10"


def test_server_error_fault_uses_the_vendor_error_body(sr: SR) -> None:
    sr.control("POST", "/faults", json={"kind": "status", "status": 502, "method": "GET"})

    response = sr.get("/jobs")

    assert response.status_code == 502
    assert response.json() == {
        "message": "Injected fault: HTTP 502",
        "errors": [{"code": "INJECTED_FAULT", "message": "Injected fault: HTTP 502"}],
    }


def test_dropped_connection_writes_nothing(sr: SR) -> None:
    application = next(a for a in sr.state()["applications"] if a["status"] == "IN_REVIEW")
    path = f"/candidates/{application['candidateId']}/jobs/{application['jobId']}/status"
    sr.control("POST", "/faults", json={"kind": "drop", "method": "PUT", "path": "/candidates/*/status"})

    with pytest.raises(requests.ConnectionError):
        sr.put(path, json={"status": "INTERVIEW"})
    after = next(a for a in sr.state()["applications"] if a["id"] == application["id"])
    retried = sr.put(path, json={"status": "INTERVIEW"})

    assert after == application
    assert retried.status_code == 204
    assert sr.control("GET", "/stats").json()["statusCounts"] == {"0": 1, "204": 1}


def test_latency_fault_holds_the_request(sr: SR, sr_clock: ManualClock) -> None:
    sr.control("POST", "/faults", json={"kind": "latency", "latency": 0.2, "path": "/users/me"})

    response = sr.get("/users/me")

    assert response.status_code == 200
    assert sr_clock.slept == [0.2]


def test_expire_tokens_fault_then_refresh(sr: SR) -> None:
    tokens = sr.control("POST", "/oauth/tokens", json={"scopes": ["jobs_read"], "refreshToken": True}).json()
    bearer = sr.as_({"Authorization": f"Bearer {tokens['access_token']}"})

    expired = sr.control("POST", "/faults", json={"kind": "expire_tokens"}).json()
    rejected = bearer.get("/jobs")
    refreshed = requests.post(
        f"{sr.url}/identity/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
        timeout=10,
    ).json()
    works_again = sr.as_({"Authorization": f"Bearer {refreshed['access_token']}"}).get("/jobs")
    revoked = sr.control("POST", "/tokens/expire", json={"refreshTokens": True}).json()
    dead_refresh = requests.post(
        f"{sr.url}/identity/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"]},
        auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
        timeout=10,
    )

    assert expired == {"expiredAccessTokens": 1, "revokedRefreshTokens": 0}
    assert (rejected.status_code, rejected.json()["errors"][0]["message"]) == (401, "Access token expired")
    assert works_again.status_code == 200
    assert revoked == {"expiredAccessTokens": 1, "revokedRefreshTokens": 1}
    assert dead_refresh.json()["error"] == "invalid_grant"


def test_token_endpoint_can_fail_too(sr: SR) -> None:
    sr.control("POST", "/faults", json={"kind": "status", "status": 503, "path": "/identity/oauth/token"})

    response = requests.post(f"{sr.url}/identity/oauth/token", data={"grant_type": "client_credentials"}, timeout=10)

    assert (response.status_code, response.json()["error"]) == (503, "injected_fault")


# -- control endpoints --------------------------------------------------------------------------------
def test_state_dump_carries_each_applications_source(sr: SR) -> None:
    state = sr.state()
    linkedin = next(a for a in state["applications"] if a["source"]["value"] == "linkedin")
    identifier = next(s["sourceIdentifier"] for s in state["sources"] if s["id"] == "linkedin")

    assert state["counts"] == {
        "users": 6,
        "jobs": 4,
        "candidates": 12,
        "applications": 16,
        "attachments": 16,
        "messages": 2,
        "offers": 7,
        "interviews": 10,
        "sources": 21,
    }
    assert state["seed"] == {
        "seed": 1,
        "users": 6,
        "jobs": 4,
        "candidates": 12,
        "applications": 16,
        "company": "acme",
        "companyName": "Acme Corp",
    }
    assert linkedin["source"] == {
        "type": "paid",
        "subtype": "job_board",
        "value": "linkedin",
        "label": "LinkedIn",
        "sourceIdentifier": identifier,
    }


def test_seed_is_deterministic_and_validated(sr: SR) -> None:
    params = {"seed": 7, "users": 3, "jobs": 5, "candidates": 30, "applications": 40}

    first = sr.control("POST", "/seed", json=params).json()
    first_state = sr.state()
    sr.control("POST", "/seed", json=params)
    second_state = sr.state()
    other = sr.control("POST", "/seed", json={**params, "seed": 8})
    too_many = sr.control("POST", "/seed", json={"candidates": 2, "jobs": 1, "applications": 3})
    unknown = sr.control("POST", "/seed", json={"cats": 3})
    negative = sr.control("POST", "/seed", json={"jobs": -1})

    assert first["counts"]["candidates"] == 30
    assert first["counts"]["applications"] == 40
    assert first_state == second_state
    assert sr.state()["candidates"][0]["id"] != first_state["candidates"][0]["id"]
    assert other.status_code == 200
    assert (too_many.status_code, too_many.json()) == (
        400,
        {"error": "applications: at most candidates × jobs (one application per candidate and job)"},
    )
    assert unknown.json() == {"error": "Unknown seed parameter: cats"}
    assert negative.json() == {"error": "jobs: must be a non-negative integer"}


def test_seed_five_thousand_candidates_for_benchmarks(sr: SR) -> None:
    seeded = sr.control("POST", "/seed", json={"seed": 3, "jobs": 25, "candidates": 5000, "applications": 6500}).json()

    page = sr.get("/candidates", params={"limit": 100}).json()
    last_page = sr.get("/candidates", params={"limit": 100, "updatedAfter": "2024-01-01T00:00:00Z"}).json()

    assert (seeded["counts"]["candidates"], seeded["counts"]["applications"]) == (5000, 6500)
    assert (page["totalFound"], len(page["content"])) == (5000, 100)
    assert last_page["totalFound"] == 5000


def test_reset_restores_the_initial_state_and_clears_faults_and_counters(sr: SR) -> None:
    initial = sr.state()
    sr.control("POST", "/seed", json={"candidates": 2, "jobs": 1, "applications": 1})
    sr.control("POST", "/faults", json={"kind": "status", "status": 500, "count": None})
    sr.get("/jobs")

    reset = sr.control("POST", "/reset").json()

    assert reset == {"reset": True}
    assert sr.state() == initial
    assert sr.control("GET", "/faults").json() == {"faults": [], "held": 0}
    assert sr.control("GET", "/stats").json()["totalRequests"] == 0


def test_move_an_application_like_a_recruiter(sr: SR, sr_clock: ManualClock) -> None:
    application = next(a for a in sr.state()["applications"] if a["status"] == "IN_REVIEW")
    sr_clock.advance(30)

    moved = sr.control(
        "POST",
        "/applications/status",
        json={
            "candidateId": application["candidateId"],
            "jobId": application["jobId"],
            "status": "INTERVIEW",
            "subStatus": "Final interview",
        },
    )
    invalid = sr.control(
        "POST",
        "/applications/status",
        json={"candidateId": application["candidateId"], "jobId": application["jobId"], "status": "NOPE"},
    )
    missing = sr.control("POST", "/applications/status", json={"candidateId": "x", "jobId": "y", "status": "NEW"})
    seen = sr.get("/candidates", params={"updatedAfter": "2025-01-01T00:00:00Z"}).json()

    assert moved.status_code == 200
    assert (moved.json()["status"], moved.json()["subStatus"], moved.json()["updatedOn"]) == (
        "INTERVIEW",
        "Final interview",
        "2025-03-01T12:00:30.000Z",
    )
    assert moved.json()["history"][-1] == {
        "changedOn": "2025-03-01T12:00:30.000Z",
        "status": "INTERVIEW",
        "subStatus": "Final interview",
    }
    assert invalid.status_code == 400
    assert missing.status_code == 404
    assert [c["id"] for c in seen["content"]] == [application["candidateId"]]


def test_delete_a_candidate_through_control(sr: SR) -> None:
    candidate_id = sr.state()["candidates"][0]["id"]

    deleted = sr.control("DELETE", f"/candidates/{candidate_id}")
    again = sr.control("DELETE", f"/candidates/{candidate_id}")

    assert deleted.json() == {"deleted": candidate_id}
    assert again.status_code == 404
    assert sr.get(f"/candidates/{candidate_id}").status_code == 404


def test_request_counters(sr: SR) -> None:
    for _ in range(3):
        sr.get("/jobs")
    sr.get("/jobs/missing")
    sr.as_({}).get("/jobs")  # a refused login is not an API user's request

    stats = sr.control("GET", "/stats").json()
    cleared = sr.control("DELETE", "/stats").json()

    assert stats["totalRequests"] == 4
    assert stats["statusCounts"] == {"200": 3, "404": 1}
    assert list(stats["credentials"].values()) == [
        {"requests": 4, "rateLimited": 0, "inFlight": 0, "peakConcurrency": 1, "peakRate": 4}
    ]
    assert stats["elapsedSeconds"] == 0.0  # the manual clock did not move
    assert cleared["totalRequests"] == 0


def test_control_index_lists_the_smartrecruiters_extras(sr: SR, sr_app: SmartRecruitersEmulator) -> None:
    index = sr.control("GET", "").json()

    assert index["emulator"] == "smartrecruiters"
    assert {
        "POST /_emulator/sources",
        "DELETE /_emulator/sources/{identifier}",
        "POST /_emulator/applications/status",
        "DELETE /_emulator/candidates/{candidate_id}",
        "POST /_emulator/oauth/clients",
        "POST /_emulator/oauth/tokens",
        "POST /_emulator/api-keys",
        "GET /_emulator/state",
        "POST /_emulator/seed",
        "POST /_emulator/reset",
        "POST /_emulator/faults",
        "POST /_emulator/tokens/expire",
        "POST /_emulator/limits",
        "GET /_emulator/stats",
    } <= set(index["endpoints"])
