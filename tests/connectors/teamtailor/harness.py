"""The Teamtailor connector against the Teamtailor emulator on loopback: the contract suite's harness."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import (
    EmailAddress,
    PhoneNumber,
    RemoteCandidate,
    RemoteRecord,
    RemoteTag,
    ScreeningAnswerInput,
    SocialMedia,
)
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.http import HttpClient, RetryPolicy, Timeout
from apps.connectors.teamtailor.connector import TeamtailorConnector
from apps.connectors.teamtailor.emulator import DEFAULT_API_KEY
from tests.connectors.contract import WriteHarness
from tests.connectors.emulated import READ_TIMEOUT, EmulatedHarness
from tests.connectors.teamtailor.conftest import TT


def teamtailor_connector(
    base_url: str,
    *,
    key: str = DEFAULT_API_KEY,
    page_size: int | None = None,
    retry: RetryPolicy | None = None,
    credentials: dict[str, str] | None = None,
) -> TeamtailorConnector:
    """A connector on the emulator's region base URL (`<emulator>/eu` or `/na`), or on its root with a `region`
    credential."""
    http = HttpClient(
        base_url=base_url,
        rate_key="teamtailor:test",
        retry=retry or RetryPolicy.never(),
        timeout=Timeout(connect=2, read=READ_TIMEOUT),
        secrets=[key],
    )
    context = ConnectorContext(
        integration_key="teamtailor:test",
        base_url=base_url,
        credentials={"api_key": key, **(credentials or {})},
        auth_kind=AuthKind.API_KEY,
        http=http,
        options={"page_size": page_size} if page_size else {},
    )
    return TeamtailorConnector(context)


class TeamtailorHarness(EmulatedHarness, WriteHarness):
    model = ReadModel.CANDIDATES
    page_size = 5
    # A create reads the job and looks the email up before it writes: the kit's default `create_call`, the first
    # POST (the candidate), is the write.

    def __init__(self, url: str, clock: ManualClock) -> None:
        super().__init__(url, clock)
        self.tt = TT(url)
        self.control("POST", "/seed", json={"jobs": 2, "candidates": 3, "applications": 0})
        self._seeded = 0

    def connector(self, *, valid_credentials: bool = True) -> TeamtailorConnector:
        key = DEFAULT_API_KEY if valid_credentials else "not-a-teamtailor-key"
        return teamtailor_connector(f"{self.url}/eu", key=key, page_size=self.page_size)

    def _candidate(self, attributes: dict[str, Any]) -> dict[str, Any]:
        response = self.tt.post("/candidates", json={"data": {"type": "candidates", "attributes": attributes}})
        assert response.status_code == 201, response.text
        return response.json()["data"]

    def seed(self, count: int) -> list[str]:
        ids = []
        for _ in range(count):
            self._seeded += 1
            ids.append(
                self._candidate(
                    {
                        "first-name": "Con",
                        "last-name": f"Tract {self._seeded}",
                        "email": f"contract-{self._seeded}@example.com",
                    }
                )["id"]
            )
        return ids

    def remote_ids(self) -> set[str]:
        return {str(candidate["id"]) for candidate in self.state()["candidates"]}

    def change(self, remote_id: str) -> None:
        body = {"data": {"id": remote_id, "type": "candidates", "attributes": {"first-name": "Changed"}}}
        assert self.tt.patch(f"/candidates/{remote_id}", json=body).status_code == 200

    def delete(self, remote_id: str) -> None:
        self.control("DELETE", f"/records/candidates/{remote_id}")

    def full_record(self) -> tuple[ReadModel, RemoteRecord]:
        raw = self._candidate(
            {
                "first-name": "Jonas",
                "last-name": "Brusman",
                "email": "jonas@example.com",
                "phone": "+46700000000",
                "linkedin-url": "https://www.linkedin.com/in/jonas",
                "tags": ["imported", "senior"],
                "referring-url": "http://se.indeed.com/visajobb?jk=abc123",
            }
        )
        fetched = self.tt.get(f"/candidates/{raw['id']}").json()["data"]
        created = datetime.fromisoformat(fetched["attributes"]["created-at"])
        return ReadModel.CANDIDATES, RemoteCandidate(
            remote_id=raw["id"],
            first_name="Jonas",
            last_name="Brusman",
            source="Indeed Sweden",
            email_addresses=(EmailAddress(email_address="jonas@example.com"),),
            phone_numbers=(PhoneNumber(phone_number="+46700000000"),),
            social_media=(SocialMedia(link="https://www.linkedin.com/in/jonas", type="LINKEDIN"),),
            tags=(RemoteTag(remote_id="imported", name="imported"), RemoteTag(remote_id="senior", name="senior")),
            remote_created_at=created,
            remote_updated_at=created,
            remote_data=fetched,
        )

    def open_job(self) -> tuple[str, tuple[ScreeningAnswerInput, ...]]:
        job = self.tt.get("/jobs", params={"include": "questions"}).json()
        questions = {q["attributes"]["question-type"]: q["id"] for q in job["included"] if q["type"] == "questions"}
        return job["data"][0]["id"], (ScreeningAnswerInput(questions["Boolean"], "BOOLEAN", True),)

    def closed_job(self) -> str:
        return str(self.control("POST", "/jobs", json={"title": "Archived role", "status": "archived"})["id"])
