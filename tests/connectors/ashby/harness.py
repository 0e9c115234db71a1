"""The Ashby contract harness: the connector over loopback, the emulator's state and control endpoints."""

from __future__ import annotations

from datetime import date
from typing import Any

import requests

from apps.connectors.ashby.emulator import DEFAULT_API_KEY
from apps.connectors.base import Connector, ConnectorContext
from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import (
    EmailAddress,
    Location,
    PhoneNumber,
    RemoteCandidate,
    RemoteRecord,
    RemoteTag,
    ScreeningAnswerInput,
    SocialMedia,
)
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.http import HttpClient, RetryPolicy, Timeout
from apps.connectors.registry import get_connector_class
from apps.core.timeutils import parse_datetime
from tests.connectors.contract import WriteHarness
from tests.connectors.emulated import READ_TIMEOUT, EmulatedHarness


class AshbyHarness(EmulatedHarness, WriteHarness):
    model = ReadModel.CANDIDATES
    page_size = 5
    # Every Ashby call is a POST; a create with answers writes with the form submit (job.info, candidate.search first).
    create_call = ("POST", "/applicationForm.submit")

    def __init__(self, url: str, clock: ManualClock, *, key: str = DEFAULT_API_KEY) -> None:
        super().__init__(url, clock)
        self.key = key
        self.control("POST", "/reset")
        self.control("POST", "/limits", json={"enabled": False})
        self.control("POST", "/seed", json={"candidates": 2, "jobs": 3})
        self._made = 0

    def connector(self, *, valid_credentials: bool = True, **options: Any) -> Connector:
        key = self.key if valid_credentials else "not-an-ashby-key"
        http = HttpClient(
            base_url=self.url,
            rate_key="ashby:test",
            retry=RetryPolicy.never(),
            timeout=Timeout(connect=2, read=READ_TIMEOUT),
            secrets=[key],
        )
        context = ConnectorContext(
            integration_key="ashby:test",
            base_url=self.url,
            credentials={"api_key": key},
            auth_kind=AuthKind.API_KEY,
            http=http,
            options={"page_size": self.page_size, **options},
        )
        return get_connector_class("ashby")(context)

    def api(self, operation: str, body: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        response = requests.post(f"{self.url}/{operation}", auth=(self.key, ""), json=body or {}, timeout=10, **kwargs)
        answer = response.json()
        assert answer["success"] is True, answer
        return answer["results"]

    def seed(self, count: int) -> list[str]:
        ids = []
        for _ in range(count):
            self._made += 1
            body = {"name": f"Con Tract{self._made}", "email": f"c{self._made}@ashby.example"}
            ids.append(self.api("candidate.create", body)["id"])
        return ids

    def app_forms(self) -> dict[str, dict[str, Any]]:
        """Submitted form values by form instance id (from the emulator's state)."""
        return {f["id"]: f["submittedValues"] for f in self.state()["formInstances"]}

    def remote_ids(self) -> set[str]:
        return {candidate["id"] for candidate in self.state()["candidates"]}

    def change(self, remote_id: str) -> None:
        self.api("candidate.createNote", {"candidateId": remote_id, "note": "unchanged candidate"})
        tag = self.api("candidateTag.create", {"title": f"changed-{remote_id}"})
        self.api("candidate.addTag", {"candidateId": remote_id, "tagId": tag["id"]})

    def delete(self, remote_id: str) -> None:
        self.control("DELETE", f"/candidates/{remote_id}")

    def open_job(self) -> tuple[str, tuple[ScreeningAnswerInput, ...]]:
        job = self.api("job.list", {"status": ["Open"]})[0]
        posting = self.api("jobPosting.info", {"jobPostingId": job["jobPostingIds"][0]})
        by_type = {
            entry["field"]["type"]: entry["field"]["path"]
            for s in posting["applicationFormDefinition"]["sections"]
            for entry in s["fields"]
        }
        answers = (
            ScreeningAnswerInput(by_type["ValueSelect"], "SINGLE_SELECT", "5-10 years"),
            ScreeningAnswerInput(by_type["Boolean"], "BOOLEAN", True),
            ScreeningAnswerInput(by_type["MultiValueSelect"], "MULTI_SELECT", ("Python", "Go")),
            ScreeningAnswerInput(by_type["Number"], "NUMBER", 65000.0),
            ScreeningAnswerInput(by_type["Date"], "DATE", date(2025, 6, 1)),
            ScreeningAnswerInput(by_type["LongText"], "TEXT", "Because."),
        )
        return job["id"], answers

    def closed_job(self) -> str:
        return str(self.api("job.list", {"status": ["Closed"]})[0]["id"])

    def full_record(self) -> tuple[ReadModel, RemoteRecord]:
        raw = self.api(
            "candidate.create",
            {
                "name": "Ada Lovelace",
                "email": "ada@x.org",
                "phoneNumber": "+44 20 1234",
                "linkedInUrl": "https://linkedin.com/in/ada",
                "location": {"city": "London", "country": "United Kingdom"},
            },
        )
        tag = self.api("candidateTag.create", {"title": "math"})
        raw = self.api("candidate.addTag", {"candidateId": raw["id"], "tagId": tag["id"]})
        expected = RemoteCandidate(
            remote_id=raw["id"],
            first_name="Ada",
            last_name="Lovelace",
            email_addresses=(EmailAddress(email_address="ada@x.org", type="PERSONAL"),),
            phone_numbers=(PhoneNumber(phone_number="+44 20 1234", type="PERSONAL"),),
            social_media=(SocialMedia(link="https://linkedin.com/in/ada", type="LinkedIn"),),
            location=Location(city="London", country="United Kingdom", raw="London, United Kingdom"),
            tags=(RemoteTag(remote_id=tag["id"], name="math", remote_data=tag),),
            remote_created_at=parse_datetime(raw["createdAt"]),
            remote_updated_at=parse_datetime(raw["updatedAt"]),
            remote_url=f"https://app.ashbyhq.com/candidates/{raw['id']}",
            remote_data=raw,
        )
        return ReadModel.CANDIDATES, expected
