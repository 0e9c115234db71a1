"""The SmartRecruiters connector on its emulator, served on loopback: the harness of the contract suite, and helpers
the other SmartRecruiters connector tests share."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import requests

from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import RemoteApplication, RemoteRecord, ScreeningAnswer
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.http import HttpClient, RetryPolicy, Timeout
from apps.connectors.smartrecruiters.connector import SmartRecruitersConnector
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, SmartRecruitersEmulator
from apps.core.timeutils import parse_datetime
from tests.connectors.emulated import READ_TIMEOUT, EmulatedHarness

JsonDict = dict[str, Any]


class Emulator:
    """Plain HTTP on the emulator, as a SmartRecruiters user or admin would act (not through the connector)."""

    def __init__(self, server: LoopbackServer, app: SmartRecruitersEmulator) -> None:
        self.url = server.url
        self.app = app
        self.session = requests.Session()
        self.session.headers["X-SmartToken"] = DEFAULT_API_KEY

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.session.request(method, f"{self.url}{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()

    def state(self) -> JsonDict:
        return self.control("GET", "/state")

    def public_job(self) -> JsonDict:
        """The first job with a live public posting (the seed always has one)."""
        state = self.state()
        return next(job for job in state["jobs"] if job["postingStatus"] == "PUBLIC" and job["posting"]["active"])

    def questions(self, posting_uuid: str) -> dict[str, JsonDict]:
        """The posting's questions by name (`Work permit`, `Experience`, …) from the emulator's state."""
        configuration = self.api("GET", f"/postings/{posting_uuid}/configuration")
        names = {question["id"]: question for question in configuration["questions"]}
        by_name = {}
        for job in self.app.state.jobs.values():
            if job.posting is not None and job.posting.uuid == posting_uuid:
                for question in job.posting.questions:
                    by_name[question.name] = names[question.id]
        return by_name

    def move(self, candidate_id: str, job_id: str, status: str, **extra: Any) -> JsonDict:
        return self.control(
            "POST",
            "/applications/status",
            json={"candidateId": candidate_id, "jobId": job_id, "status": status, **extra},
        )


def sr_connector(
    url: str,
    *,
    api_key: str = DEFAULT_API_KEY,
    page_size: int | None = None,
    retry: RetryPolicy | None = None,
    read_timeout: float = 10.0,
    options: dict[str, Any] | None = None,
) -> SmartRecruitersConnector:
    """A connector with an API key on `url`, no shared limiter (the tests that need limits build their own)."""
    http = HttpClient(
        base_url=url,
        rate_key="smartrecruiters:test",
        retry=retry or RetryPolicy.never(),
        timeout=Timeout(connect=2.0, read=read_timeout),
    )
    merged = dict(options or {})
    if page_size is not None:
        merged["page_size"] = page_size
    return SmartRecruitersConnector(
        ConnectorContext(
            integration_key="smartrecruiters:test",
            base_url=url,
            credentials={"api_key": api_key},
            auth_kind=AuthKind.API_KEY,
            http=http,
            options=merged,
        )
    )


def _utc(value: str) -> datetime:
    return parse_datetime(value)


class SmartRecruitersHarness(EmulatedHarness):
    model = ReadModel.CANDIDATES
    page_size = 5
    unavailable_status = 503

    def __init__(self, server: LoopbackServer, app: SmartRecruitersEmulator) -> None:
        self.url = server.url  # the kit's faults and state go through it; the clock is the wall clock (`now`)
        self.server = server
        self.emulator = Emulator(server, app)
        self._seeded = 0

    def connector(self, *, valid_credentials: bool = True) -> SmartRecruitersConnector:
        # The kit's read timeout, far below the latency of an injected TIMEOUT; no retries inside the seam.
        return sr_connector(
            self.server.url,
            api_key=DEFAULT_API_KEY if valid_credentials else "DCRA1-revoked-or-wrong",
            page_size=self.page_size,
            read_timeout=READ_TIMEOUT,
        )

    def seed(self, count: int) -> list[str]:
        ids = []
        for _ in range(count):
            self._seeded += 1
            created = self.emulator.api(
                "POST",
                "/candidates",
                json={
                    "firstName": "Con",
                    "lastName": f"Tract {self._seeded}",
                    "email": f"contract-{self._seeded}@example.com",
                },
            )
            ids.append(created["id"])
        return ids

    def remote_ids(self) -> set[str]:
        return {candidate["id"] for candidate in self.emulator.state()["candidates"]}

    def change(self, remote_id: str) -> None:
        self.emulator.api("PATCH", f"/candidates/{remote_id}", json={"phoneNumber": "+34 600 000 000"})

    def delete(self, remote_id: str) -> None:
        self.emulator.control("DELETE", f"/candidates/{remote_id}")

    def now(self) -> datetime:
        # The emulator stamps changes with the wall clock in milliseconds; step past the last one.
        time.sleep(0.003)
        instant = datetime.now(tz=UTC)
        time.sleep(0.003)
        return instant

    def full_record(self) -> tuple[ReadModel, RemoteRecord]:
        """An application with every field: applied with screening answers through the posting, moved to a
        sub-status stage, then rejected with a reason."""
        emulator = self.emulator
        job = emulator.public_job()
        questions = emulator.questions(job["posting"]["uuid"])
        applied = emulator.api(
            "POST",
            f"/postings/{job['posting']['uuid']}/candidates",
            json={
                "firstName": "Full",
                "lastName": "Record",
                "email": "full.record@example.com",
                "sourceDetails": {"sourceTypeId": "paid", "sourceSubTypeId": "job_board", "sourceId": "linkedin"},
                "answers": [
                    {"id": questions["Work permit"]["id"], "records": [{"fields": {"f-permit": ["yes"]}}]},
                    {"id": questions["Experience"]["id"], "records": [{"fields": {"f-years": ["7"]}}]},
                    {"id": questions["Motivation"]["id"], "records": [{"fields": {"f-motivation": ["Great team"]}}]},
                    {"id": questions["Languages"]["id"], "records": [{"fields": {"f-languages": ["en", "de"]}}]},
                    {"id": questions["Future openings"]["id"], "records": [{"fields": {"f-updates": ["true"]}}]},
                ],
            },
        )
        candidate_id = applied["id"]
        reason = emulator.state()["rejectionReasons"][0]
        emulator.move(candidate_id, job["id"], "IN_REVIEW", subStatus="Screening call")
        emulator.move(candidate_id, job["id"], "INTERVIEW", subStatus="1st interview")
        dump = emulator.move(candidate_id, job["id"], "REJECTED", reason=reason["id"])
        base = f"/candidates/{candidate_id}/jobs/{job['id']}"
        raw = emulator.api("GET", base)
        history = emulator.api("GET", f"{base}/status/history")["content"]
        answers = emulator.api("GET", f"{base}/screening-answers")["content"]
        changes = [_utc(change["changedOn"]) for change in dump["history"]]
        expected = RemoteApplication(
            remote_id=f"{candidate_id}:{job['id']}",
            candidate_remote_id=candidate_id,
            job_remote_id=job["id"],
            current_stage_remote_id="INTERVIEW:1st interview",
            outcome="DECLINED",
            rejection_reason_remote_id=reason["id"],
            rejection_reason_name="Not enough experience",
            rejected_at=changes[3],
            source="LinkedIn",
            screening_question_answers=(
                ScreeningAnswer(
                    questions["Work permit"]["id"],
                    "Are you legally authorized to work in Spain?",
                    "SINGLE_SELECT",
                    "Yes",
                ),
                ScreeningAnswer(
                    questions["Experience"]["id"],
                    "How many years of professional experience do you have?",
                    "TEXT",
                    "7",
                ),
                ScreeningAnswer(questions["Motivation"]["id"], "Why do you want to join us?", "TEXT", "Great team"),
                ScreeningAnswer(
                    questions["Languages"]["id"], "Which languages do you speak?", "MULTI_SELECT", ("English", "German")
                ),
                ScreeningAnswer(
                    questions["Future openings"]["id"], "Keep me informed about future openings", "BOOLEAN", True
                ),
            ),
            remote_created_at=changes[0],
            remote_updated_at=changes[3],
            remote_url=f"{self.server.url}/app/people/applications/{dump['id']}",
            remote_data={"application": raw, "statusHistory": history, "screeningAnswers": answers},
        )
        assert [change["status"] for change in dump["history"]] == ["NEW", "IN_REVIEW", "INTERVIEW", "REJECTED"]
        return ReadModel.APPLICATIONS, expected
