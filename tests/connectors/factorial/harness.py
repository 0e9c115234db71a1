"""The Factorial connector against the Factorial emulator on loopback: the contract suite's harness and helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import requests

from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import RemoteJob, RemoteJobPosting, RemoteRecord, RemoteScreeningQuestion, RemoteStage
from apps.connectors.dtos import ScreeningQuestionOption as Option
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.factorial.client import RESOURCES
from apps.connectors.factorial.connector import FactorialConnector
from apps.connectors.factorial.emulator import DEFAULT_API_KEY
from apps.connectors.http import HttpClient, RetryPolicy, Timeout
from tests.connectors.emulated import READ_TIMEOUT as KIT_READ_TIMEOUT
from tests.connectors.emulated import EmulatedHarness

READ_TIMEOUT = 0.5  # the Factorial tests' own; the contract harness uses the kit's (tests/connectors/emulated.py)


def factorial_connector(
    url: str,
    *,
    credentials: dict[str, str] | None = None,
    auth_kind: AuthKind = AuthKind.API_KEY,
    page_size: int | None = None,
    save_credentials: Any = None,
    retry: RetryPolicy | None = None,
    clock: Any = None,
    read_timeout: float = READ_TIMEOUT,
) -> FactorialConnector:
    """A connector on the emulator at `url` (no shared rate limiter: nothing but this test talks to it)."""
    http = HttpClient(
        base_url=url,
        rate_key="factorial:test",
        retry=retry or RetryPolicy.never(),
        timeout=Timeout(connect=2, read=read_timeout),
        secrets=[value for value in (credentials or {}).values() if value],
    )
    options = {"page_size": page_size} if page_size else {}
    context_kwargs: dict[str, Any] = {}
    if save_credentials is not None:
        context_kwargs["save_credentials"] = save_credentials
    context = ConnectorContext(
        integration_key="factorial:test",
        base_url=url,
        credentials=credentials if credentials is not None else {"api_key": DEFAULT_API_KEY},
        auth_kind=auth_kind,
        http=http,
        options=options,
        **context_kwargs,
    )
    kwargs = {"clock": clock} if clock is not None else {}
    return FactorialConnector(context, **kwargs)


class Emulator:
    """Plain HTTP on the emulator, around the connector: its API with the default key, and its control endpoints."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.headers["x-api-key"] = DEFAULT_API_KEY

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.session.request(method, f"{self.url}{RESOURCES}{path}", timeout=10, **kwargs)
        assert response.ok, response.text
        return response.json()

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)
        assert response.ok, response.text
        return response.json()

    def state(self) -> dict[str, Any]:
        return self.control("GET", "/state")


class FactorialHarness(EmulatedHarness):
    model = ReadModel.CANDIDATES
    page_size = 5

    def __init__(self, url: str, clock: ManualClock) -> None:
        super().__init__(url, clock)
        self.emulator = Emulator(url)
        # A small company: a few candidates of its own, no applications (seeding stays instant).
        self.emulator.control("POST", "/seed", json={"candidates": 3, "applications": 0})
        self._seeded = 0

    def connector(self, *, valid_credentials: bool = True) -> FactorialConnector:
        key = DEFAULT_API_KEY if valid_credentials else "not-a-factorial-key"
        return factorial_connector(
            self.url, credentials={"api_key": key}, page_size=self.page_size, read_timeout=KIT_READ_TIMEOUT
        )

    def seed(self, count: int) -> list[str]:
        ids = []
        for _ in range(count):
            self._seeded += 1
            created = self.emulator.api(
                "POST",
                "/ats/candidates",
                json={
                    "first_name": "Con",
                    "last_name": f"Tract {self._seeded}",
                    "email": f"contract-{self._seeded}@example.com",
                    "company_id": 1,
                },
            )
            ids.append(str(created["id"]))
        return ids

    def remote_ids(self) -> set[str]:
        return {str(candidate["id"]) for candidate in self.emulator.state()["candidates"]}

    def change(self, remote_id: str) -> None:
        self.emulator.api("PUT", f"/ats/candidates/{remote_id}", json={"first_name": "Changed"})

    def delete(self, remote_id: str) -> None:
        self.emulator.control("DELETE", f"/records/candidates/{remote_id}")

    def full_record(self) -> tuple[ReadModel, RemoteRecord]:
        job = self.emulator.api(
            "POST",
            "/ats/job_postings",
            json={
                "title": "Staff Engineer",
                "status": "unlisted",
                "description": "<p>Build things.</p>",
                "contract_type": "freelance",
                "category": "engineering",
                "workplace_type": "hybrid",
                "schedule_type": "full_time",
                "salary_format": "range",
                "salary_from_amount_in_cents": 9_000_000,
                "salary_to_amount_in_cents": 12_000_050,
                "salary_period": "monthly",
                "cv_requirement": "mandatory",
                "cover_letter_requirement": "optional",
                "phone_requirement": "do_not_ask",
                "photo_requirement": "do_not_ask",
                "personal_url_requirement": "optional",
            },
        )
        job_id = job["id"]
        for position, (label, kind, options) in enumerate(
            [
                ("Why us?", "long_text", None),
                ("Seniority", "single_choice", [{"text": "Mid"}, {"text": "Senior", "disqualifies": False}]),
            ]
        ):
            body = {"ats_job_posting_id": job_id, "company_id": 1, "label": label, "position": position}
            self.emulator.api(
                "POST", "/ats/questions", json={**body, "question_type": kind, "mandatory": position == 1,
                                                **({"options": options} if options else {})},
            )  # fmt: skip
        phases = self.emulator.api("GET", "/ats/application_phases", params={"ats_job_posting_ids[]": job_id})["data"]
        questions = self.emulator.api("GET", "/ats/questions", params={"ats_job_posting_ids[]": job_id})["data"]
        raw = self.emulator.api("GET", f"/ats/job_postings/{job_id}")
        created = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
        stage_names = ["New", "In review", "Assessment", "Interview", "Offer", "Hired"]
        expected = RemoteJob(
            remote_id=str(job_id),
            name="Staff Engineer",
            description="<p>Build things.</p>",
            category="engineering",
            post_url=f"{self.url}/job_posting/staff-engineer-{job_id}",
            employment_type="CONTRACT",
            status="OPEN",
            visibility="UNLISTED",
            remote_work_status="HYBRID",
            salary_amount_from=90000.0,
            salary_amount_to=120000.5,
            salary_period="MONTH",
            opened_at=None,  # unlisted: never published
            remote_created_at=created,
            stages=tuple(
                RemoteStage(remote_id=str(phase["id"]), name=name, index=index, remote_data=phase)
                for index, (name, phase) in enumerate(zip(stage_names, phases, strict=True))
            ),
            screening_questions=(
                RemoteScreeningQuestion(
                    remote_id=str(questions[0]["id"]),
                    title="Why us?",
                    format_type="TEXT",
                    format_details={"display_type": "MULTI_LINE"},
                    required=False,
                    index=0,
                    remote_data=questions[0],
                ),
                RemoteScreeningQuestion(
                    remote_id=str(questions[1]["id"]),
                    title="Seniority",
                    format_type="SINGLE_SELECT",
                    format_details={"display_type": "RADIO"},
                    options=(Option(remote_id="Mid", name="Mid"), Option(remote_id="Senior", name="Senior")),
                    required=True,
                    index=1,
                    remote_data=questions[1],
                ),
            ),
            job_postings=(
                RemoteJobPosting(
                    remote_id=str(job_id),
                    title="Staff Engineer",
                    description_html="<p>Build things.</p>",
                    url=f"{self.url}/job_posting/staff-engineer-{job_id}",
                    status="ACTIVE",
                    visibility="UNLISTED",
                    remote_data={
                        "id": job_id,
                        "status": "unlisted",
                        "url": f"{self.url}/job_posting/staff-engineer-{job_id}",
                    },
                ),
            ),
            remote_data=raw,
        )
        return ReadModel.JOBS, expected
