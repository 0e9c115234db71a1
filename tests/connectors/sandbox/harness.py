"""The sandbox's harness for the connector contract suite."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import (
    Location,
    RemoteHiringTeamMember,
    RemoteJob,
    RemoteJobPosting,
    RemoteRecord,
    RemoteScreeningQuestion,
    RemoteStage,
    RoleAssignment,
    ScreeningAnswerInput,
    ScreeningQuestionOption,
)
from apps.connectors.sandbox.connector import SandboxConnector
from apps.connectors.sandbox.store import FaultKind, SandboxStore, open_store
from tests.connectors.contract import Fault, WriteHarness

API_KEY = "sbx-key-for-contract-tests"

FULL_JOB: dict[str, Any] = {
    "id": "job-contract-1",
    "name": "Staff Engineer",
    "job_code": "SBX-9001",
    "description": "<p>Build things.</p>",
    "category": "Engineering",
    "department": "Platform",
    "post_url": "https://careers.sandbox-ats.example.com/jobs/9001",
    "experience_level": "Senior",
    "confidential": False,
    "weekly_hours": 38.5,
    "employment_type": "FULL_TIME",
    "status": "OPEN",
    "visibility": "PUBLIC",
    "remote_work_status": "HYBRID",
    "salary_amount": None,
    "salary_amount_from": 90000,
    "salary_amount_to": 120000,
    "salary_currency": "EUR",
    "salary_period": "YEAR",
    "location": {
        "city": "Berlin",
        "country": "DE",
        "state": "Berlin",
        "zip_code": "10115",
        "street_1": "Invalidenstraße 1",
        "street_2": None,
        "raw": "Invalidenstraße 1, 10115 Berlin, DE",
    },
    "opened_at": "2025-02-01T08:00:00.000000Z",
    "closed_at": None,
    "created_at": "2025-01-30T10:15:00.000000Z",
    "updated_at": "2025-02-01T08:00:00.000000Z",
    "url": "https://app.sandbox-ats.example.com/jobs/job-contract-1",
    "contact_id": "usr-000001",
    "stages": [
        {"id": "stage-c1-0", "name": "Applied", "index": 0, "status": "ACTIVE"},
        {"id": "stage-c1-1", "name": "Hired", "index": 1, "status": "INACTIVE"},
    ],
    "screening_questions": [
        {
            "id": "q-c1-1",
            "title": "Seniority",
            "description": None,
            "format": {
                "type": "SINGLE_SELECT",
                "display_type": "RADIO",
                "options": [{"id": "q-c1-1-a", "name": "Mid"}, {"id": "q-c1-1-b", "name": "Senior"}],
            },
            "required": True,
            "category": None,
            "index": 0,
        },
        {
            "id": "q-c1-2",
            "title": "Leadership experience",
            "description": "Only for seniors.",
            "format": {"type": "TEXT", "display_type": "MULTI_LINE", "max_length": 500},
            "required": False,
            "category": None,
            "index": 1,
            "precondition_question_id": "q-c1-1",
            "precondition_options": ["q-c1-1-b"],
        },
    ],
    "postings": [
        {
            "id": "post-c1-1",
            "title": "Staff Engineer (m/f/d)",
            "description_html": "<p>Apply now.</p>",
            "url": "https://careers.sandbox-ats.example.com/jobs/9001",
            "status": "ACTIVE",
            "visibility": "PUBLIC",
        }
    ],
    "hiring_team": [
        {
            "user_id": "usr-000001",
            "first_name": "Ada",
            "last_name": "Adler",
            "email": "ada@sandbox-ats.example.com",
            "roles": [{"id": "role-04", "label": "Hiring manager", "type": "HIRING_MANAGER"}],
        }
    ],
    "custom_fields": {"cost_center": "CC-42"},
}


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


def expected_full_job() -> RemoteJob:
    return RemoteJob(
        remote_id="job-contract-1",
        name="Staff Engineer",
        job_code="SBX-9001",
        description="<p>Build things.</p>",
        category="Engineering",
        department="Platform",
        post_url="https://careers.sandbox-ats.example.com/jobs/9001",
        experience_level="Senior",
        confidential=False,
        weekly_hours=38.5,
        employment_type="FULL_TIME",
        status="OPEN",
        visibility="PUBLIC",
        remote_work_status="HYBRID",
        salary_amount=None,
        salary_amount_from=90000,
        salary_amount_to=120000,
        salary_currency="EUR",
        salary_period="YEAR",
        location=Location(
            city="Berlin",
            country="DE",
            raw="Invalidenstraße 1, 10115 Berlin, DE",
            state="Berlin",
            street_1="Invalidenstraße 1",
            street_2=None,
            zip_code="10115",
        ),
        opened_at=datetime(2025, 2, 1, 8, 0, tzinfo=UTC),
        closed_at=None,
        remote_created_at=datetime(2025, 1, 30, 10, 15, tzinfo=UTC),
        remote_updated_at=datetime(2025, 2, 1, 8, 0, tzinfo=UTC),
        remote_url="https://app.sandbox-ats.example.com/jobs/job-contract-1",
        contact_remote_id="usr-000001",
        stages=(
            RemoteStage(
                remote_id="stage-c1-0", name="Applied", index=0, status="ACTIVE", remote_data=FULL_JOB["stages"][0]
            ),
            RemoteStage(
                remote_id="stage-c1-1", name="Hired", index=1, status="INACTIVE", remote_data=FULL_JOB["stages"][1]
            ),
        ),
        screening_questions=(
            RemoteScreeningQuestion(
                remote_id="q-c1-1",
                title="Seniority",
                description=None,
                format_type="SINGLE_SELECT",
                format_details={"display_type": "RADIO"},
                options=(
                    ScreeningQuestionOption(remote_id="q-c1-1-a", name="Mid"),
                    ScreeningQuestionOption(remote_id="q-c1-1-b", name="Senior"),
                ),
                required=True,
                category=None,
                index=0,
                precondition_question_remote_id=None,
                precondition_options=None,
                remote_data=FULL_JOB["screening_questions"][0],
            ),
            RemoteScreeningQuestion(
                remote_id="q-c1-2",
                title="Leadership experience",
                description="Only for seniors.",
                format_type="TEXT",
                format_details={"display_type": "MULTI_LINE", "max_length": 500},
                options=(),
                required=False,
                category=None,
                index=1,
                precondition_question_remote_id="q-c1-1",
                precondition_options=("q-c1-1-b",),
                remote_data=FULL_JOB["screening_questions"][1],
            ),
        ),
        job_postings=(
            RemoteJobPosting(
                remote_id="post-c1-1",
                title="Staff Engineer (m/f/d)",
                description_html="<p>Apply now.</p>",
                url="https://careers.sandbox-ats.example.com/jobs/9001",
                status="ACTIVE",
                visibility="PUBLIC",
                remote_data=FULL_JOB["postings"][0],
            ),
        ),
        hiring_team=(
            RemoteHiringTeamMember(
                user_remote_id="usr-000001",
                first_name="Ada",
                last_name="Adler",
                email="ada@sandbox-ats.example.com",
                job_roles=(
                    RoleAssignment(remote_id="role-04", remote_label="Hiring manager", unified_type="HIRING_MANAGER"),
                ),
            ),
        ),
        custom_fields={"cost_center": "CC-42"},
        remote_data=FULL_JOB,
    )


class SandboxHarness(WriteHarness):
    model = ReadModel.CANDIDATES
    page_size = 10

    def __init__(self, directory: Path) -> None:
        self.path = directory / "contract-sandbox.sqlite3"
        # A small sandbox: pagination still spans several pages, seeding stays instant.
        self.store: SandboxStore = open_store(self.path, records=60)
        self._seeded = 0

    def connector(self, *, valid_credentials: bool = True) -> SandboxConnector:
        self.store.set_api_key(API_KEY)
        return SandboxConnector(
            ConnectorContext(
                integration_key="sandbox:contract",
                base_url="",
                credentials={"api_key": API_KEY if valid_credentials else "wrong-key"},
                auth_kind=AuthKind.API_KEY,
                options={"path": str(self.path), "page_size": self.page_size},
            )
        )

    def seed(self, count: int) -> list[str]:
        ids = []
        for _ in range(count):
            self._seeded += 1
            remote_id = f"cand-contract-{self._seeded:03d}"
            self.store.put(
                "candidates",
                {
                    "id": remote_id, "first_name": "Con", "last_name": f"Tract {self._seeded}", "company": None,
                    "title": None, "source": "Contract", "confidential": False,
                    "emails": [{"address": f"{remote_id}@example.com", "type": "PERSONAL"}], "phones": [],
                    "social": [], "location": None, "tags": [], "created_at": "2025-03-01T00:00:00.000000Z",
                    "updated_at": "2025-03-01T00:00:00.000000Z", "url": None, "custom_fields": {},
                },
            )  # fmt: skip
            ids.append(remote_id)
        return ids

    def remote_ids(self) -> set[str]:
        return set(self.store.ids("candidates"))

    def change(self, remote_id: str) -> None:
        self.store.touch("candidates", remote_id, title="Changed")

    def delete(self, remote_id: str) -> None:
        self.store.delete("candidates", remote_id)

    def inject_fault(self, fault: Fault, *, retry_after: float | None = None) -> None:
        self.store.inject_fault(FaultKind(fault.value), retry_after=retry_after)

    def revoke_credentials(self) -> None:
        self.store.set_api_key("revoked-by-the-contract")  # the connectors' key no longer opens the sandbox

    def now(self) -> datetime:
        # The sandbox stamps changes with the wall clock in microseconds; step past the last one.
        time.sleep(0.002)
        instant = datetime.now(tz=UTC)
        time.sleep(0.002)
        return instant

    def full_record(self) -> tuple[ReadModel, RemoteRecord]:
        self.store.put("jobs", FULL_JOB)
        return ReadModel.JOBS, expected_full_job()

    def open_job(self) -> tuple[str, tuple[ScreeningAnswerInput, ...]]:
        """The first generated job; answers to its required questions (TEXT, NUMBER, BOOLEAN, SINGLE_SELECT)."""
        return "job-000001", (
            ScreeningAnswerInput(question_remote_id="q-000001-1", type="TEXT", value="Because."),
            ScreeningAnswerInput(question_remote_id="q-000001-2", type="NUMBER", value=3.0),
            ScreeningAnswerInput(question_remote_id="q-000001-3", type="BOOLEAN", value=False),
            ScreeningAnswerInput(question_remote_id="q-000001-5", type="SINGLE_SELECT", value="q-000001-lvl-1"),
        )

    def closed_job(self) -> str:
        self.store.touch("jobs", "job-000002", status="CLOSED")
        return "job-000002"
