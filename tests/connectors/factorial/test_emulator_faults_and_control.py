"""Fault injection and the `/_emulator/` control endpoints of the Factorial emulator."""

from __future__ import annotations

import time

import pytest
import requests

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.factorial.emulator import DEFAULT_API_KEY
from tests.connectors.factorial.conftest import FA


def _application_state(fa: FA, application_id: int) -> dict:
    return next(a for a in fa.state()["applications"] if a["id"] == application_id)


# -- faults ---------------------------------------------------------------------------------------------
def test_status_fault_answers_the_factorial_error_body(fa: FA) -> None:
    fa.control("POST", "/faults", json={"kind": "status", "status": 503, "method": "GET", "count": 1})

    failed = fa.get("/ats/job_postings")
    recovered = fa.get("/ats/job_postings")

    assert (failed.status_code, failed.json()) == (
        503,
        {"error": "service_unavailable", "error_description": "Injected fault: HTTP 503"},
    )
    assert recovered.status_code == 200


def test_injected_429_with_retry_after(fa: FA) -> None:
    fa.control(
        "POST",
        "/faults",
        json={"kind": "status", "status": 429, "path": "/api/*/resources/ats/candidates", "retryAfter": 7},
    )

    response = fa.get("/ats/candidates")

    assert (response.status_code, response.headers["Retry-After"]) == (429, "7")
    assert response.json()["error"] == "too_many_requests"


def test_dropped_apply_writes_nothing_and_a_retry_succeeds(fa: FA) -> None:
    body = {"first_name": "Jane", "last_name": "Doe", "email": "j@x.example", "ats_job_posting_id": 2}
    body["answers"] = [{"ats_question_id": 6, "value": "4"}, {"ats_question_id": 7, "value": "Yes"}]
    before = fa.state()["counts"]
    fa.control("POST", "/faults", json={"kind": "drop", "method": "POST", "path": "*/applications/apply"})

    with pytest.raises(requests.ConnectionError):
        fa.post("/ats/applications/apply", json=body)
    after_drop = fa.state()["counts"]
    retried = fa.post("/ats/applications/apply", json=body)

    assert after_drop == before
    assert retried.status_code == 200
    assert fa.state()["counts"]["applications"] == before["applications"] + 1


def test_latency_fault_holds_the_request(fa: FA, fa_clock: ManualClock) -> None:
    fa.control("POST", "/faults", json={"kind": "latency", "latency": 0.2, "path": "*/api_public/credentials"})

    started = time.monotonic()
    response = fa.get("/api_public/credentials")

    assert response.status_code == 200
    assert fa_clock.slept == [0.2]
    assert time.monotonic() - started >= 0.2


def test_token_endpoint_can_fail_too(fa: FA) -> None:
    fa.control("POST", "/faults", json={"kind": "status", "status": 500, "path": "/oauth/token"})

    response = requests.post(f"{fa.url}/oauth/token", data={"grant_type": "refresh_token"}, timeout=10)

    assert (response.status_code, response.json()["error"]) == (500, "internal_server_error")


def test_expiring_tokens_spares_company_tokens_unless_asked(fa: FA) -> None:
    user = fa.bearer(["recruitment"])
    company = fa.bearer(["recruitment"], company=True)

    expired = fa.control("POST", "/tokens/expire", json={}).json()
    user_after, company_after = user.get("/ats/candidates"), company.get("/ats/candidates")
    everything = fa.control("POST", "/faults", json={"kind": "expire_tokens", "includeNonExpiring": True}).json()

    assert expired == {"expiredAccessTokens": 1, "revokedRefreshTokens": 0}
    assert (user_after.status_code, user_after.json()["error_description"]) == (401, "The access token expired")
    assert company_after.status_code == 200
    assert everything == {"expiredAccessTokens": 1, "revokedRefreshTokens": 0}
    assert company.get("/ats/candidates").status_code == 401


# -- control endpoints ----------------------------------------------------------------------------------
def test_index_lists_generic_and_factorial_endpoints(fa: FA) -> None:
    endpoints = fa.control("GET", "").json()

    assert endpoints["emulator"] == "factorial"
    assert {
        "GET /_emulator/state",
        "POST /_emulator/seed",
        "POST /_emulator/reset",
        "POST /_emulator/faults",
        "POST /_emulator/tokens/expire",
        "POST /_emulator/limits",
        "GET /_emulator/stats",
        "POST /_emulator/candidate-sources",
        "DELETE /_emulator/candidate-sources/{id}",
        "POST /_emulator/applications/{id}/move",
        "POST /_emulator/applications/{id}/reject",
        "POST /_emulator/applications/{id}/hire",
        "DELETE /_emulator/records/{resource}/{id}",
        "POST /_emulator/oauth/clients",
        "POST /_emulator/oauth/tokens",
        "POST /_emulator/api-keys",
        "DELETE /_emulator/api-keys/{key}",
    } <= set(endpoints["endpoints"])


def test_state_dump_carries_every_candidates_and_applications_source(fa: FA) -> None:
    state = fa.state()

    assert state["counts"] == {
        "employees": 6,
        "jobPostings": 4,
        "applicationPhases": 26,
        "hiringStages": 6,
        "questions": 20,
        "candidateSources": 11,
        "rejectionReasons": 6,
        "candidates": 12,
        "applications": 16,
        "answers": 24,
        "feedbacks": 7,
        "files": 14,
    }
    assert state["candidates"][2]["source"] == {
        "written": "newsletter",
        "sourceId": None,
        "name": None,
        "label": None,
        "medium": "email",
    }
    assert state["applications"][5]["source"] == {
        "written": "linkedin",
        "sourceId": 3,
        "name": "linkedin",
        "label": "LinkedIn",
        "medium": "paid campaign",
    }
    assert [(a["id"], a["outcome"], a["decisionMaker"]) for a in state["applications"][:6]] == [
        (1, "pending", None),
        (2, "pending", None),
        (3, "rejected", "company"),
        (4, "pending", None),
        (5, "hired", None),
        (6, "rejected", "candidate"),
    ]


def test_seed_is_deterministic_and_scales_to_thousands(fa: FA) -> None:
    seeded = fa.control(
        "POST", "/seed", json={"seed": 7, "candidates": 3000, "applications": 4500, "jobPostings": 12}
    ).json()
    first = fa.state()
    fa.control("POST", "/seed", json={"seed": 7, "candidates": 3000, "applications": 4500, "jobPostings": 12})
    second = fa.state()
    other = fa.control("POST", "/seed", json={"seed": 8, "candidates": 3000, "applications": 4500, "jobPostings": 12})

    assert seeded["seed"] == {
        "seed": 7,
        "employees": 6,
        "jobPostings": 12,
        "candidates": 3000,
        "applications": 4500,
        "companyId": 1,
        "companyName": "Acme Corp",
    }
    assert (seeded["counts"]["candidates"], seeded["counts"]["applications"]) == (3000, 4500)
    assert first == second
    assert other.json()["counts"]["answers"] != seeded["counts"]["answers"]
    assert fa.get("/ats/candidates", params={"limit": 1}).json()["meta"]["total"] == 3000


def test_bad_seed_parameters_are_400(fa: FA) -> None:
    unknown = fa.control("POST", "/seed", json={"jobs": 3})
    too_many = fa.control("POST", "/seed", json={"candidates": 2, "jobPostings": 1, "applications": 3})

    assert (unknown.status_code, unknown.json()) == (400, {"error": "Unknown seed parameter: jobs"})
    assert too_many.json() == {
        "error": "applications: at most candidates × jobPostings (one application per candidate and posting)"
    }


def test_reset_restores_the_initial_state(fa: FA) -> None:
    initial = fa.state()
    fa.post("/ats/candidates", json={"first_name": "A", "last_name": "B", "company_id": 1})
    fa.control("POST", "/faults", json={"kind": "status", "status": 500})

    fa.control("POST", "/reset")

    assert fa.state() == initial
    assert fa.control("GET", "/faults").json() == {"faults": [], "held": 0}


def test_candidate_source_control_create_duplicate_delete(fa: FA) -> None:
    created = fa.control("POST", "/candidate-sources", json={"name": "Jobbio", "category": "job_board"})
    duplicate = fa.control("POST", "/candidate-sources", json={"name": "Jobbio"})
    bad_category = fa.control("POST", "/candidate-sources", json={"name": "X", "category": "billboard"})
    deleted = fa.control("DELETE", "/candidate-sources/3")

    assert (created.status_code, created.json()["id"]) == (201, 12)
    assert (duplicate.status_code, duplicate.json()) == (
        409,
        {"error": "name: a candidate source named Jobbio already exists"},
    )
    assert bad_category.status_code == 422
    assert deleted.json()["name"] == "linkedin"
    assert fa.get("/ats/candidate_sources/3").status_code == 404
    # Records that pointed at the deleted source keep their written string and lose the id.
    assert fa.get("/ats/candidates/6").json()["source_id"] is None
    assert fa.state()["candidates"][5]["source"]["written"] == "linkedin"


def test_control_moves_rejects_and_hires(fa: FA) -> None:
    moved = fa.control("POST", "/applications/1/move", json={"phase_type": "offer"}).json()
    withdrawn = fa.control("POST", "/applications/2/reject", json={"decision_maker": "candidate"}).json()
    rejected = fa.control("POST", "/applications/4/reject", json={"ats_rejection_reason_id": 4}).json()
    hired = fa.control("POST", "/applications/7/hire", json={"createEmployee": True}).json()
    no_such_phase = fa.control("POST", "/applications/1/move", json={"phase_type": "normal"})

    assert (moved["phaseType"], moved["outcome"]) == ("offer", "pending")
    assert (withdrawn["outcome"], withdrawn["rejectionReasonId"], withdrawn["decisionMaker"]) == (
        "rejected",
        5,
        "candidate",
    )
    assert (rejected["rejectionReasonId"], rejected["decisionMaker"]) == (4, "company")
    assert (hired["outcome"], hired["phaseType"], hired["employeeId"]) == ("hired", "hired", 7)
    assert fa.get("/ats/applications/7").json()["employee_id"] == 7
    assert fa.get("/employees/employees/7").json()["full_name"] == "Jonas Larsen"
    assert (no_such_phase.status_code, no_such_phase.json()) == (400, {"error": "job posting 3 has no normal phase"})


def test_control_deletes_records(fa: FA) -> None:
    candidate = fa.control("DELETE", "/records/candidates/1")
    job = fa.control("DELETE", "/records/job_postings/2")
    unknown_resource = fa.control("DELETE", "/records/offers/1")
    missing = fa.control("DELETE", "/records/feedbacks/999")

    assert candidate.json() == {"deleted": {"resource": "candidates", "id": 1}}
    assert fa.get("/ats/candidates/1").status_code == 404
    assert fa.get("/ats/applications/13").status_code == 404
    assert job.status_code == 200
    assert fa.get("/ats/job_postings/2").status_code == 404
    assert fa.get("/ats/applications", params={"ats_job_posting_id": 2}).json()["data"] == []
    assert fa.get("/ats/questions", params={"ats_job_posting_ids[]": 2}).json()["data"] == []
    assert unknown_resource.status_code == 404
    assert (missing.status_code, missing.json()) == (404, {"error": "Couldn't find Ats::Feedback with 'id'=999"})


def test_api_keys_are_created_and_revoked(fa: FA) -> None:
    created = fa.control("POST", "/api-keys", json={"key": "second-key", "name": "Integration"}).json()
    generated = fa.control("POST", "/api-keys", json={}).json()
    second = fa.as_({"x-api-key": "second-key"})
    credential = second.get("/api_public/credentials").json()["data"][0]["id"]
    revoked = fa.control("DELETE", "/api-keys/second-key")

    assert created == {"key": "second-key", "name": "Integration", "credentialId": "api_key-2"}
    assert generated["key"].startswith("emu_")
    assert generated["credentialId"] == "api_key-3"
    assert credential == "api_key-2"
    assert revoked.json() == {"deleted": True}
    assert second.get("/ats/candidates").status_code == 401
    assert fa.as_({"x-api-key": generated["key"]}).get("/ats/candidates").status_code == 200
    assert fa.as_({"x-api-key": DEFAULT_API_KEY}).get("/ats/candidates").status_code == 200


def test_registered_oauth_client_can_run_the_code_flow(fa: FA) -> None:
    registered = fa.control(
        "POST",
        "/oauth/clients",
        json={
            "clientId": "tributary",
            "clientSecret": "s3cret",
            "redirectUris": ["http://127.0.0.1:9000/cb"],
            "scopes": ["recruitment", "employees"],
        },
    )
    page = requests.get(
        f"{fa.url}/oauth/authorize",
        params={"client_id": "tributary", "redirect_uri": "http://127.0.0.1:9000/cb", "response_type": "code"},
        timeout=10,
    )
    unknown_scope = fa.control(
        "POST", "/oauth/clients", json={"clientId": "x", "clientSecret": "y", "scopes": ["everything"]}
    )
    minted = fa.control("POST", "/oauth/tokens", json={"clientId": "nobody"})

    assert registered.json() == {
        "clientId": "tributary",
        "redirectUris": ["http://127.0.0.1:9000/cb"],
        "scopes": ["employees", "recruitment"],
        "revokedTokens": 0,
    }
    assert page.status_code == 200
    assert "<li data-scope='employees'>" in page.text
    assert "<li data-scope='recruitment'>" in page.text
    assert unknown_scope.json() == {"error": "Unknown scopes: everything"}
    assert minted.status_code == 404
