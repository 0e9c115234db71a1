"""The Workable connector against the Workable emulator on loopback: the contract suite's harness and helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import requests

from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import (
    EmailAddress,
    PhoneNumber,
    RemoteCandidate,
    RemoteRecord,
    RemoteTag,
    ScreeningAnswerInput,
)
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.http import HttpClient, RetryPolicy, Timeout
from apps.connectors.workable.client import account_path
from apps.connectors.workable.connector import WorkableConnector
from apps.connectors.workable.emulator import DEFAULT_TOKEN, SUBDOMAIN
from tests.connectors.contract import WriteHarness
from tests.connectors.emulated import READ_TIMEOUT, EmulatedHarness

OPEN_JOB = "9CD658E13F"
CLOSED_JOB = "9CD658E141"
REQUIRED = (ScreeningAnswerInput(question_remote_id="2128d717", type="TEXT", value="Planning"),)


def workable_connector(
    url: str, *, token: str = DEFAULT_TOKEN, subdomain: str = SUBDOMAIN, page_size: int | None = None
) -> WorkableConnector:
    http = HttpClient(
        base_url=url,
        rate_key="workable:test",
        retry=RetryPolicy.never(),
        timeout=Timeout(connect=2, read=READ_TIMEOUT),
        secrets=[token],
    )
    context = ConnectorContext(
        integration_key="workable:test",
        base_url=url,
        credentials={"api_key": token, "subdomain": subdomain},
        auth_kind=AuthKind.API_KEY,
        http=http,
        options={"page_size": page_size} if page_size else {},
    )
    return WorkableConnector(context)


class WorkableHarness(EmulatedHarness, WriteHarness):
    model = ReadModel.CANDIDATES
    page_size = 5

    def __init__(self, url: str, clock: ManualClock) -> None:
        super().__init__(url, clock)
        self.control("POST", "/reset")
        self._made = 0

    def connector(self, *, valid_credentials: bool = True) -> WorkableConnector:
        return workable_connector(
            self.url, token=DEFAULT_TOKEN if valid_credentials else "wrong", page_size=self.page_size
        )

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(
            method, f"{self.url}{account_path(SUBDOMAIN)}{path}", timeout=10,
            headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"}, **kwargs,
        )  # fmt: skip
        assert response.ok, response.text
        return response.json()

    def _create(self, **candidate: Any) -> dict[str, Any]:
        body = {"sourced": False, "candidate": {"answers": [{"question_key": "2128d717", "body": "x"}], **candidate}}
        return self.api("POST", f"/jobs/{OPEN_JOB}/candidates", json=body)["candidate"]

    def seed(self, count: int) -> list[str]:
        ids = []
        for _ in range(count):
            self._made += 1
            ids.append(
                self._create(firstname="Con", lastname=f"Tract {self._made}", email=f"c{self._made}@wk.example")["id"]
            )
        return ids

    def remote_ids(self) -> set[str]:
        return {c["id"] for c in self.state()["candidates"]}

    def change(self, remote_id: str) -> None:
        self.api("PUT", f"/candidates/{remote_id}/tags", json={"tags": ["changed"]})

    def delete(self, remote_id: str) -> None:
        self.control("DELETE", f"/candidates/{remote_id}")

    def full_record(self) -> tuple[ReadModel, RemoteRecord]:
        raw = self._create(
            firstname="Ada", lastname="Lovelace", email="ada@x.org", phone="+44 20 1234", headline="Analyst",
            domain="Tributary Board", tags=["math"],
        )  # fmt: skip
        detail = self.api("GET", f"/candidates/{raw['id']}")["candidate"]
        at = datetime.fromisoformat(detail["created_at"].replace("Z", "+00:00"))
        assert at.tzinfo == UTC
        expected = RemoteCandidate(
            remote_id=raw["id"],
            first_name="Ada",
            last_name="Lovelace",
            title="Analyst",
            source="Tributary Board",
            email_addresses=(EmailAddress(email_address="ada@x.org", type="PERSONAL"),),
            phone_numbers=(PhoneNumber(phone_number="+44 20 1234", type="PERSONAL"),),
            tags=(RemoteTag(remote_id="math", name="math"),),
            remote_created_at=at,
            remote_updated_at=at,
            remote_url=f"https://acme.workable.com/backend/candidates/{raw['id']}",
            remote_data=detail,
        )
        return ReadModel.CANDIDATES, expected

    def open_job(self) -> tuple[str, tuple[ScreeningAnswerInput, ...]]:
        return OPEN_JOB, REQUIRED

    def closed_job(self) -> str:
        return CLOSED_JOB
