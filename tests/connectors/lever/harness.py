"""The Lever connector against the Lever emulator on loopback: the contract suite's harness and helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import requests

from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import RemoteApplication, RemoteRecord, ScreeningAnswerInput
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.http import HttpClient, RetryPolicy, Timeout
from apps.connectors.lever.connector import LeverConnector
from apps.connectors.lever.emulator import ADMIN_ID, DEFAULT_API_KEY
from tests.connectors.contract import WriteHarness
from tests.connectors.emulated import READ_TIMEOUT, EmulatedHarness

OPEN_POSTING = "005e1ec7-0000-0000-0000-000000000001"
CLOSED_POSTING = "005e1ec7-0000-0000-0000-000000000003"
FORM = "75f54523-ff77-4307-a868-08392ee02cab"
EXPERIENCE = "9653a1f0-0001-4000-8000-000000000001"  # the form's required textarea
REQUIRED = (ScreeningAnswerInput(question_remote_id=EXPERIENCE, type="TEXT", value="Ten years of Go"),)
NEW_APPLICANT = "fff60592-0002-4b7e-9c33-4f1d0e5a7c02"
NEW_LEAD = "51adb2bb-0001-4b7e-9c33-4f1d0e5a7c01"


def lever_connector(url: str, *, key: str = DEFAULT_API_KEY, page_size: int | None = None) -> LeverConnector:
    http = HttpClient(
        base_url=url,
        rate_key="lever:test",
        retry=RetryPolicy.never(),
        timeout=Timeout(connect=2, read=READ_TIMEOUT),
        secrets=[key],
    )
    context = ConnectorContext(
        integration_key="lever:test",
        base_url=url,
        credentials={"api_key": key},
        auth_kind=AuthKind.API_KEY,
        http=http,
        options={"page_size": page_size} if page_size else {},
    )
    return LeverConnector(context)


class LeverHarness(EmulatedHarness, WriteHarness):
    model = ReadModel.APPLICATIONS  # opportunities page cleanly; contacts are read through them
    page_size = 5
    # A create reads the posting and looks the e-mail up first; with answers (the contract's open job has a
    # required one) it writes with the apply POST.
    create_call = ("POST", "/v1/postings/*/apply")

    def __init__(self, url: str, clock: ManualClock) -> None:
        super().__init__(url, clock)
        self.control("POST", "/reset")
        self._made = 0

    def connector(self, *, valid_credentials: bool = True) -> LeverConnector:
        return lever_connector(url=self.url, key=DEFAULT_API_KEY if valid_credentials else "wrong",
                               page_size=self.page_size)  # fmt: skip

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.url}/v1{path}", timeout=10, auth=(DEFAULT_API_KEY, ""), **kwargs)
        assert response.ok, response.text
        return response.json()

    def _create(self, **body: Any) -> dict[str, Any]:
        body = {"postings": [OPEN_POSTING], **body}
        return self.api("POST", "/opportunities", params={"perform_as": ADMIN_ID}, json=body)["data"]

    def seed(self, count: int) -> list[str]:
        ids = []
        for _ in range(count):
            self._made += 1
            ids.append(self._create(name=f"Con Tract{self._made}", emails=[f"c{self._made}@lv.example"])["id"])
        return ids

    def remote_ids(self) -> set[str]:
        return {o["id"] for o in self.state()["opportunities"]}

    def change(self, remote_id: str) -> None:
        self.api("POST", f"/opportunities/{remote_id}/addTags", json={"tags": ["changed"]})

    def delete(self, remote_id: str) -> None:
        self.control("DELETE", f"/opportunities/{remote_id}")

    def full_record(self) -> tuple[ReadModel, RemoteRecord]:
        raw = self._create(
            name="Ada Lovelace", emails=["ada@x.org"], headline="Analytical Engines", tags=["math"],
            sources=["Tributary Board"], origin="applied", links=["https://ada.example"],
        )  # fmt: skip
        archived = self.api("GET", "/archive_reasons", params={"type": "non-hired"})["data"][0]
        self.api("PUT", f"/opportunities/{raw['id']}/archived", json={"reason": archived["id"]})
        detail = self.api("GET", f"/opportunities/{raw['id']}", params={"expand": "applications"})["data"]
        at = datetime.fromtimestamp(detail["createdAt"] / 1000, UTC)
        expected = RemoteApplication(
            remote_id=raw["id"],
            candidate_remote_id=raw["contact"],
            job_remote_id=OPEN_POSTING,
            current_stage_remote_id=NEW_LEAD,
            outcome="DECLINED",
            rejection_reason_remote_id=archived["id"],
            rejection_reason_name="Underqualified",
            rejected_at=datetime.fromtimestamp(detail["archivedAt"] / 1000, UTC),
            source="Tributary Board",
            screening_question_answers=(),
            remote_created_at=at,
            remote_updated_at=datetime.fromtimestamp(detail["updatedAt"] / 1000, UTC),
            remote_url=f"https://hire.lever.co/candidates/{raw['id']}",
            remote_data=detail,
        )
        return ReadModel.APPLICATIONS, expected

    def open_job(self) -> tuple[str, tuple[ScreeningAnswerInput, ...]]:
        return OPEN_POSTING, REQUIRED

    def closed_job(self) -> str:
        return CLOSED_POSTING
