"""The Personio contract harness: connectors with both credentials against the emulator, applications as the model."""

from __future__ import annotations

import requests

from apps.connectors.base import Connector, ConnectorContext
from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import RemoteApplication, RemoteRecord, ScreeningAnswerInput
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.http import HttpClient, RetryPolicy, Timeout
from apps.connectors.personio.emulator import DEFAULT_API_KEY, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from apps.connectors.personio.mapping import when
from apps.connectors.registry import get_connector_class
from tests.connectors.contract import Fault, WriteHarness
from tests.connectors.emulated import READ_TIMEOUT, EmulatedHarness
from tests.connectors.personio.conftest import COMPANY_ID, V1_HEADERS

CREDENTIALS = {
    "client_id": DEFAULT_CLIENT_ID,
    "client_secret": DEFAULT_CLIENT_SECRET,
    "api_key": DEFAULT_API_KEY,
    "company_id": COMPANY_ID,
}


def personio_connector(
    url: str, *, credentials: dict[str, str] | None = None, page_size: int | None = None,
    retry: RetryPolicy | None = None,
) -> Connector:  # fmt: skip
    credentials = dict(CREDENTIALS if credentials is None else credentials)
    http = HttpClient(
        base_url=url,
        rate_key="personio:test",
        retry=retry or RetryPolicy.never(),
        timeout=Timeout(connect=2, read=READ_TIMEOUT),
        secrets=[value for value in credentials.values() if value],
    )
    context = ConnectorContext(
        integration_key="personio:test",
        base_url=url,
        credentials=credentials,
        auth_kind=AuthKind.OAUTH2_CLIENT_CREDENTIALS,
        http=http,
        options={"page_size": page_size} if page_size else {},
    )
    return get_connector_class("personio")(context)


class PersonioHarness(EmulatedHarness, WriteHarness):
    model = ReadModel.APPLICATIONS
    page_size = 5
    create_call = ("POST", "/v1/recruiting/applications")  # after the document uploads (…/documents)

    def __init__(self, url: str, clock: ManualClock) -> None:
        super().__init__(url, clock)
        self.control("POST", "/reset")
        self._made = 0

    def connector(self, *, valid_credentials: bool = True) -> Connector:
        credentials = dict(CREDENTIALS) if valid_credentials else {**CREDENTIALS, "client_secret": "wrong"}
        return personio_connector(self.url, credentials=credentials, page_size=self.page_size)

    def inject_fault(self, fault: Fault, *, retry_after: float | None = None) -> None:
        if fault != Fault.TIMEOUT:
            super().inject_fault(fault, retry_after=retry_after)
            return
        # The model's endpoint only: a read of applications times out, not the token request before it.
        spec = {**self.fault_spec(fault), "count": 1, "path": "/v2/recruiting/applications*"}
        self.control("POST", "/faults", json=spec)

    def open_job(self) -> tuple[str, tuple[ScreeningAnswerInput, ...]]:
        job = next(job for job in self.state()["jobs"] if job["status"] == "published")
        return str(job["id"]), ()

    def closed_job(self) -> str:
        return str(next(job for job in self.state()["jobs"] if job["status"] == "archived")["id"])

    def seed(self, count: int) -> list[str]:
        job, _ = self.open_job()
        emails = []
        for _ in range(count):
            self._made += 1
            email = f"contract{self._made}@example.com"
            body = {
                "job_position_id": int(job),
                "first_name": "Con",
                "last_name": f"Tract {self._made}",
                "email": email,
            }
            response = requests.post(
                f"{self.url}/v1/recruiting/applications", json=body, headers=V1_HEADERS, timeout=10
            )
            assert response.status_code == 201, response.text
            emails.append(email)
        by_email = {c["email"]: c["id"] for c in self.state()["candidates"]}
        apps = {a["candidate_id"]: a["id"] for a in self.state()["applications"]}
        return [str(apps[by_email[email]]) for email in emails]

    def remote_ids(self) -> set[str]:
        return {str(application["id"]) for application in self.state()["applications"]}

    def change(self, remote_id: str) -> None:
        self.control("PATCH", f"/applications/{remote_id}", json={"message": "changed"})

    def delete(self, remote_id: str) -> None:
        self.control("DELETE", f"/applications/{remote_id}")

    def full_record(self) -> tuple[ReadModel, RemoteRecord]:
        [remote_id] = self.seed(1)
        channel = self.control("POST", "/channels", json={"name": "Full Record Board"})
        self.control("PATCH", f"/applications/{remote_id}", json={"channel_id": channel["id"]})
        self.clock.advance(60)
        self.control("POST", f"/applications/{remote_id}/stage", json={"stage_id": "rejected"})
        form = {
            "grant_type": "client_credentials",
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET,
        }
        token = requests.post(f"{self.url}/v2/auth/token", timeout=10, data=form).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        raw = requests.get(f"{self.url}/v2/recruiting/applications/{remote_id}", headers=headers, timeout=10).json()
        raw = raw["_data"]
        state = next(a for a in self.state()["applications"] if str(a["id"]) == remote_id)
        expected = RemoteApplication(
            remote_id=remote_id,
            candidate_remote_id=str(state["candidate_id"]),
            job_remote_id=str(state["job_id"]),
            current_stage_remote_id="rejected",
            outcome="DECLINED",
            rejected_at=when(raw["updated_at"]),
            source="Full Record Board",
            remote_created_at=when(raw["created_at"]),
            remote_updated_at=when(raw["updated_at"]),
            remote_data=raw,
        )
        return ReadModel.APPLICATIONS, expected
