"""Multi-step creates never answer failure for what the ATS did: a fault on any step after the application exists
(the emulators' fault injection, deterministic) leaves it tracked, attributed and created once; the retry with the
same Idempotency-Key answers 200 with it.

Each case: the fault holds for the whole first request (so that request cannot finish), then the ATS recovers and
the client retries with the same key, as a careful client does."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from kombo import Kombo, errors

from apps.applications.models import Application, CreateProgress, IdempotencyKey, Job
from apps.applications.writes.common import write_connector
from apps.applications.writes.services import job_for_write
from apps.attribution.models import ApplicationAttribution
from apps.attribution.services import source_mapping_check
from apps.connectors.catalog import AuthKind, WriteAction
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.factorial.emulator import DEFAULT_API_KEY as FACTORIAL_KEY
from apps.connectors.factorial.emulator import create_app as factorial_app
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY as SR_KEY
from apps.connectors.smartrecruiters.emulator import create_app as smartrecruiters_app
from apps.integrations.models import Environment, Integration
from apps.integrations.services import integration_create
from tests.applications.writing import required_answers

SR_SEED = {"seed": 3, "users": 3, "jobs": 2, "candidates": 4, "applications": 4}
PDF = b"%PDF-1.4 Ada's resume"
LETTER = b"Dear team"


class Vendor:
    """One emulator on loopback with an integration to it (its source set up, so creates are attributed)."""

    def __init__(self, tool: str, url: str, integration: Integration) -> None:
        self.tool, self.url, self.integration = tool, url, integration

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()

    def fault(self, **fault: Any) -> None:
        self.control("POST", "/faults", json=fault)

    def heal(self) -> None:
        self.control("DELETE", "/faults")

    def applications_of(self, email: str) -> int:
        """How many applications the ATS holds for the candidate with this email (counted in its own state)."""
        state = self.control("GET", "/state")
        ids = {c["id"] for c in state["candidates"] if c["email"].casefold() == email.casefold()}
        return sum(1 for a in state["applications"] if a["candidateId"] in ids)

    def open_job(self) -> Job:
        """An open job, stored as the write path stores one it reads live (its screening questions with it)."""
        state = self.control("GET", "/state")
        if self.tool == "smartrecruiters":
            found = next(j for j in state["jobs"] if j["postingStatus"] == "PUBLIC" and j["posting"]["active"])
        else:
            found = next(j for j in state["jobPostings"] if j["status"] == "published")
        connector = write_connector(self.integration, WriteAction.CREATE_APPLICATION)
        return job_for_write(
            integration=self.integration, connector=connector, job_id=f"remote:{found['id']}", field="job_id"
        )


def _integration(environment: Environment, tool: str, url: str, key: str) -> Integration:
    return integration_create(
        environment=environment,
        tool=tool,
        end_user_organization_name="Acme Corp",
        auth_kind=AuthKind.API_KEY,
        credentials={"api_key": key},
        base_url=url,
        setup_status=Integration.SetupStatus.COMPLETED,
    )


@pytest.fixture
def smartrecruiters(environment: Environment) -> Iterator[Vendor]:
    with LoopbackServer(smartrecruiters_app(seed=SR_SEED, limits_enabled=False)) as server:
        vendor = Vendor("smartrecruiters", server.url, _integration(environment, "smartrecruiters", server.url, SR_KEY))
        vendor.control("POST", "/sources", json={"label": "Acme Jobs", "type": "paid", "subtype": "job_board"})
        assert source_mapping_check(integration=vendor.integration).status == "CONFIGURED"
        yield vendor


@pytest.fixture
def factorial(environment: Environment) -> Iterator[Vendor]:
    with LoopbackServer(factorial_app(limits_enabled=False)) as server:
        vendor = Vendor("factorial", server.url, _integration(environment, "factorial", server.url, FACTORIAL_KEY))
        assert source_mapping_check(integration=vendor.integration).status == "CONFIGURED"
        yield vendor


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _create(kombo: Kombo, job: Job, email: str, key: str | None, **extra: Any) -> Any:
    return kombo.ats.create_application(
        job_id=job.id,
        screening_question_answers=required_answers(job),
        candidate={"first_name": "Ada", "last_name": "Lovelace", "email_address": email, **extra.pop("candidate", {})},
        http_headers={"Idempotency-Key": key} if key else None,
        **extra,
    )


def _assert_created_once(vendor: Vendor, created: Any, email: str) -> None:
    """One application in the ATS, tracked by Tributary as created, its attribution recorded."""
    assert vendor.applications_of(email) == 1
    application = Application.objects.get(id=created.data.id)
    assert (application.tracked_via, application.integration_id) == ("CREATED", vendor.integration.id)
    attribution = ApplicationAttribution.objects.get(application_id=created.data.id)
    assert (attribution.status, attribution.observed_source) == ("CONFIRMED", "Acme Jobs")


RESUMABLE_CODES = {"REMOTE.RATE_LIMIT_EXCEEDED", "INTEGRATION.PERMISSION_MISSING", "REMOTE.SERVICE_UNAVAILABLE",
                   "REMOTE.UNKNOWN_HTTP_ERROR"}  # fmt: skip


@dataclass(frozen=True)
class Failed:
    status: int
    code: str
    remote_ids: dict[str, str]


def _attempt(call: Callable[[], Any]) -> Any:
    """The SDK's answer, or the error it raised (with our `remote_ids` extension, read from the raw body)."""
    try:
        return call()
    except errors.KomboAtsError as error:
        body = json.loads(error.body)
        return Failed(error.status_code, body["error"]["code"], body["error"].get("remote_ids") or {})


FILES = [
    {"name": "ada-cv.pdf", "type": "CV", "data": b64(PDF), "content_type": "application/pdf"},
    {"name": "letter.txt", "type": "COVER_LETTER", "data": b64(LETTER), "content_type": "text/plain"},
]

# (step, the fault holding through the first request). SmartRecruiters' create: POST /jobs/{id}/candidates, then
# the cover letter's upload, then the status, then the read-back (application, its history, its answers, then the
# candidate). The application's paths are /candidates/{id}/jobs/{job}…, the candidate's /candidates/{id}.
SR_STEPS = {
    "read-back answers 429": {"method": "GET", "path": "/candidates/*/jobs/*", "status": 429, "retryAfter": 0},
    "read-back answers 403": {"method": "GET", "path": "/candidates/*/jobs/*", "status": 403},
    "candidate read-back answers 503": {"method": "GET", "path": "/candidates/*", "status": 503, "retryAfter": 0},
    "upload answers 500": {"method": "POST", "path": "/candidates/*/jobs/*/attachments", "status": 500},
    "upload's answer lost": {"kind": "lose_answer", "method": "POST", "path": "/candidates/*/jobs/*/attachments"},
    "status answers 429": {"method": "PUT", "path": "/candidates/*/jobs/*/status", "status": 429, "retryAfter": 0},
    "status's answer lost": {"kind": "lose_answer", "method": "PUT", "path": "/candidates/*/jobs/*/status"},
}


@pytest.mark.parametrize("fault", SR_STEPS.values(), ids=SR_STEPS.keys())
def test_smartrecruiters_fault_after_the_application_exists(
    smartrecruiters: Vendor, kombo_client: Callable[..., Kombo], fault: dict[str, Any]
) -> None:
    kombo = kombo_client(integration_id=smartrecruiters.integration.id)
    job = smartrecruiters.open_job()
    stage = "remote:INTERVIEW:1st interview"
    smartrecruiters.fault(count=None, **fault)

    first = _attempt(lambda: _create(kombo, job, "ada@example.com", "sr-1", attachments=FILES, stage_id=stage))
    if not isinstance(first, Failed):
        assert first.warnings  # what went wrong is named, not hidden
    else:
        assert first.code in RESUMABLE_CODES
        assert set(first.remote_ids) == {"application", "candidate"}
        assert IdempotencyKey.objects.get(key="sr-1").status == "UNCERTAIN"
    smartrecruiters.heal()
    retried = _create(kombo, job, "ada@example.com", "sr-1", attachments=FILES, stage_id=stage)

    _assert_created_once(smartrecruiters, retried, "ada@example.com")
    if not isinstance(first, Failed):
        assert first.model_dump() == retried.model_dump()  # the stored answer, replayed
    state = smartrecruiters.control("GET", "/state")
    candidate_id = retried.data.remote_id.split(":")[0]
    assert sorted(a["name"] for a in state["attachments"] if a["candidateId"] == candidate_id) == [
        "ada-cv.pdf",
        "letter.txt",
    ]


# Factorial's create: POST …/ats/applications/apply, then the phase (POST …/move_to_phase), the new candidate's
# personal URL (PUT …/ats/candidates/{id}), then the read-back (GET …/ats/candidates/{id}). (The source pin, PUT
# …/ats/applications/{id}, is sent only when Factorial does not link the written source itself; the emulator
# always links an existing source's name, so no create here reaches it.)
FACTORIAL_STEPS = {
    "read-back answers 429": {"method": "GET", "path": "*/ats/candidates/*", "status": 429, "retryAfter": 0},
    "read-back answers 403": {"method": "GET", "path": "*/ats/candidates/*", "status": 403},
    "phase move answers 503": {"method": "POST", "path": "*/move_to_phase", "status": 503, "retryAfter": 0},
    "phase move's answer lost": {"kind": "lose_answer", "method": "POST", "path": "*/move_to_phase"},
    "personal URL answers 429": {"method": "PUT", "path": "*/ats/candidates/*", "status": 429, "retryAfter": 0},
    "personal URL's answer lost": {"kind": "lose_answer", "method": "PUT", "path": "*/ats/candidates/*"},
}


@pytest.mark.parametrize("fault", FACTORIAL_STEPS.values(), ids=FACTORIAL_STEPS.keys())
def test_factorial_fault_after_the_application_exists(
    factorial: Vendor, kombo_client: Callable[..., Kombo], fault: dict[str, Any]
) -> None:
    kombo = kombo_client(integration_id=factorial.integration.id)
    job = factorial.open_job()
    posting = next(j for j in factorial.control("GET", "/state")["jobPostings"] if str(j["id"]) == job.remote_id)
    phase = str(posting["phases"][1]["id"])
    extra = {"candidate": {"social_links": [{"url": "https://ada.example.com"}]}, "stage_id": f"remote:{phase}"}
    factorial.fault(count=None, **fault)

    first = _attempt(lambda: _create(kombo, job, "ada@example.com", "fa-1", attachments=FILES[:1], **dict(extra)))
    if isinstance(first, Failed):
        assert first.code in RESUMABLE_CODES
        assert set(first.remote_ids) == {"application", "candidate"}
        assert IdempotencyKey.objects.get(key="fa-1").status == "UNCERTAIN"
    else:
        assert first.warnings
    factorial.heal()
    retried = _create(kombo, job, "ada@example.com", "fa-1", attachments=FILES[:1], **dict(extra))

    _assert_created_once(factorial, retried, "ada@example.com")
    if not isinstance(first, Failed):
        assert first.model_dump() == retried.model_dump()
    state = factorial.control("GET", "/state")
    stored = next(a for a in state["applications"] if str(a["id"]) == retried.data.remote_id)
    assert str(stored["phaseId"]) == phase


def test_the_reported_case_read_back_429_then_the_retry_gets_the_application(
    smartrecruiters: Vendor, kombo_client: Callable[..., Kombo]
) -> None:
    # given: SmartRecruiters creates the application, then answers 429 to every read of it during the request
    kombo = kombo_client(integration_id=smartrecruiters.integration.id)
    job = smartrecruiters.open_job()
    smartrecruiters.fault(count=None, method="GET", path="/candidates/*/jobs/*", status=429, retryAfter=0)

    first = _attempt(lambda: _create(kombo, job, "grace@example.com", "order-7"))

    # then: the error says what exists, and the key is kept for the retry (not released, not final)
    assert isinstance(first, Failed)
    assert (first.status, first.code) == (429, "REMOTE.RATE_LIMIT_EXCEEDED")
    candidate_id = first.remote_ids["candidate"]
    assert first.remote_ids["application"] == f"{candidate_id}:{job.remote_id}"
    assert IdempotencyKey.objects.get(key="order-7").status == "UNCERTAIN"
    assert CreateProgress.objects.get(idempotency_key="order-7").steps["application"]["candidate_remote_id"] == (
        candidate_id
    )

    # when: the ATS recovers and the client retries with the same key
    smartrecruiters.heal()
    retried = _create(kombo, job, "grace@example.com", "order-7")

    # then: 200 with that application, tracked and attributed, created once
    assert retried.data.remote_id == first.remote_ids["application"]
    assert [warning.message for warning in retried.warnings] == [
        "An earlier request with this Idempotency-Key created this application before it failed; it was resumed "
        "(nothing was created twice)."
    ]
    _assert_created_once(smartrecruiters, retried, "grace@example.com")
    assert _create(kombo, job, "grace@example.com", "order-7").model_dump() == retried.model_dump()


def test_a_lost_create_answer_then_a_429_while_reconciling_keeps_the_key_and_the_next_retry_gets_it(
    smartrecruiters: Vendor, kombo_client: Callable[..., Kombo]
) -> None:
    # given: SmartRecruiters creates the application but its answer is lost (the client sees a 504)
    kombo = kombo_client(integration_id=smartrecruiters.integration.id)
    job = smartrecruiters.open_job()
    smartrecruiters.fault(count=1, kind="lose_answer", method="POST", path="/postings/*/candidates")
    first = _attempt(lambda: _create(kombo, job, "hedy@example.com", "order-9"))
    assert isinstance(first, Failed)
    assert first.status == 504
    assert IdempotencyKey.objects.get(key="order-9").status == "UNCERTAIN"

    # when: the retry's look-up of the application is rate-limited throughout
    smartrecruiters.fault(count=None, method="GET", path="/candidates/*/jobs/*", status=429, retryAfter=0)
    second = _attempt(lambda: _create(kombo, job, "hedy@example.com", "order-9"))

    # then: the key is still to be reconciled (released, the next retry would create again and hit "already
    # exists": the benchmark's unrecoverable case)
    assert isinstance(second, Failed)
    assert (second.status, second.code) == (429, "REMOTE.RATE_LIMIT_EXCEEDED")
    assert IdempotencyKey.objects.get(key="order-9").status == "UNCERTAIN"

    # and once the ATS recovers, the next retry answers 200 with the one application, tracked and attributed
    smartrecruiters.heal()
    retried = _create(kombo, job, "hedy@example.com", "order-9")
    _assert_created_once(smartrecruiters, retried, "hedy@example.com")


def test_already_applied_without_a_key_is_the_application_tributary_created(
    smartrecruiters: Vendor, kombo_client: Callable[..., Kombo]
) -> None:
    kombo = kombo_client(integration_id=smartrecruiters.integration.id)
    job = smartrecruiters.open_job()
    created = _create(kombo, job, "ada@example.com", None)

    again = _create(kombo, job, "ada@example.com", None)  # e.g. the first answer never reached the client

    assert again.data.id == created.data.id
    assert [warning.message for warning in again.warnings] == [
        "This candidate's application to this job was already created through Tributary; it is returned (nothing "
        "was sent again)."
    ]
    assert smartrecruiters.applications_of("ada@example.com") == 1


def test_already_applied_outside_tributary_is_the_contracts_error(
    smartrecruiters: Vendor, kombo_client: Callable[..., Kombo]
) -> None:
    kombo = kombo_client(integration_id=smartrecruiters.integration.id)
    job = smartrecruiters.open_job()
    state = smartrecruiters.control("GET", "/state")
    applicant = next(
        c for c in state["candidates"]
        if any(a["candidateId"] == c["id"] and a["jobId"] == job.remote_id for a in state["applications"])
    )  # fmt: skip

    refused = _attempt(lambda: _create(kombo, job, applicant["email"], "order-8"))

    assert refused == Failed(400, "ATS.APPLICATION_ALREADY_EXISTS", {})
    assert IdempotencyKey.objects.get(key="order-8").status == "COMPLETED"  # final: the same answer on retry
