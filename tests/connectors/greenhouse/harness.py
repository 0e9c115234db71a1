"""The Greenhouse contract harness: client-credential connectors against the emulator, applications as the model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import requests

from apps.connectors.base import Connector, ConnectorContext
from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import (
    EmailAddress,
    RemoteApplication,
    RemoteRecord,
    ScreeningAnswerInput,
)
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.greenhouse.emulator import ADMIN_USER_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from apps.connectors.http import HttpClient, RetryPolicy, Timeout
from apps.connectors.registry import get_connector_class
from apps.core.timeutils import parse_datetime
from tests.connectors.contract import Fault, WriteHarness
from tests.connectors.emulated import READ_TIMEOUT, EmulatedHarness

# A window far above what a test makes: the emulator's limiter stays on, so its X-RateLimit-Remaining headers are
# true. (With `limits_enabled=False` it still counts down to `Remaining: 0` and our client rightly holds every
# request off until the 30 s window resets: that wait was 40 of the SDK test's 41 s.)
UNPACED_RATE = 1_000_000

CREDENTIALS = {"client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET, "user_id": str(ADMIN_USER_ID)}


def greenhouse_connector(
    url: str, *, credentials: dict[str, str] | None = None, auth_kind: AuthKind = AuthKind.OAUTH2_CLIENT_CREDENTIALS,
    page_size: int | None = None, retry: RetryPolicy | None = None,
) -> Connector:  # fmt: skip
    credentials = dict(CREDENTIALS if credentials is None else credentials)
    http = HttpClient(
        base_url=url,
        rate_key="greenhouse:test",
        retry=retry or RetryPolicy.never(),
        timeout=Timeout(connect=2, read=READ_TIMEOUT),
        secrets=[value for value in credentials.values() if value],
    )
    context = ConnectorContext(
        integration_key="greenhouse:test",
        base_url=url,
        credentials=credentials,
        auth_kind=auth_kind,
        http=http,
        options={"page_size": page_size} if page_size else {},
    )
    return get_connector_class("greenhouse")(context)


class GreenhouseHarness(EmulatedHarness, WriteHarness):
    model = ReadModel.APPLICATIONS
    page_size = 5
    create_call = ("POST", "/v3/applications")  # after the token, job and candidate lookups (and the candidate POST)

    def __init__(self, url: str, clock: ManualClock) -> None:
        super().__init__(url, clock)
        self.control("POST", "/reset")
        token = requests.post(
            f"{url}/token", data={"grant_type": "client_credentials", "sub": str(ADMIN_USER_ID)},
            auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET), timeout=10,
        ).json()["access_token"]  # fmt: skip
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self._made = 0

    def connector(self, *, valid_credentials: bool = True) -> Connector:
        credentials = dict(CREDENTIALS) if valid_credentials else {**CREDENTIALS, "client_secret": "wrong"}
        return greenhouse_connector(self.url, credentials=credentials, page_size=self.page_size)

    def inject_fault(self, fault: Fault, *, retry_after: float | None = None) -> None:
        if fault != Fault.TIMEOUT:
            super().inject_fault(fault, retry_after=retry_after)
            return
        # The model's endpoint only: a read of applications times out, not the token request before it.
        self.control("POST", "/faults", json={**self.fault_spec(fault), "count": 1, "path": "/v3/applications*"})

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.session.request(method, f"{self.url}/v3{path}", timeout=10, **kwargs)
        assert response.ok, response.text
        return response.json() if response.content else None

    def open_job(self) -> tuple[str, tuple[ScreeningAnswerInput, ...]]:
        job = self.api("GET", "/jobs", params={"status": "open"})[0]
        return str(job["id"]), ()

    def closed_job(self) -> str:
        return str(self.api("GET", "/jobs", params={"status": "closed"})[0]["id"])

    def seed(self, count: int) -> list[str]:
        job, _ = self.open_job()
        ids = []
        for _ in range(count):
            self._made += 1
            candidate = self.api("POST", "/candidates", json={"first_name": "Con", "last_name": f"Tract {self._made}"})
            ids.append(
                str(self.api("POST", "/applications", json={"candidate_id": candidate["id"], "job_id": int(job)})["id"])
            )
        return ids

    def remote_ids(self) -> set[str]:
        return {str(application["id"]) for application in self.state()["applications"]}

    def change(self, remote_id: str) -> None:
        self.control("PATCH", f"/applications/{remote_id}", json={"custom_fields": {"note": "changed"}})

    def delete(self, remote_id: str) -> None:
        self.control("DELETE", f"/applications/{remote_id}")

    def now(self) -> datetime:
        return super().now()

    def full_record(self) -> tuple[ReadModel, RemoteRecord]:
        [remote_id] = self.seed(1)
        source = self.control("POST", "/sources", json={"name": "Full Record Board"})
        reason = self.api("GET", "/rejection_reasons")[0]
        self.control("PATCH", f"/applications/{remote_id}", json={"source_id": source["id"]})
        self.api("POST", f"/applications/{remote_id}/reject", json={"rejection_reason_id": reason["id"]})
        raw = next(a for a in self.state()["applications"] if str(a["id"]) == remote_id)
        expected = RemoteApplication(
            remote_id=remote_id,
            candidate_remote_id=str(raw["candidate_id"]),
            job_remote_id=str(raw["job_id"]),
            current_stage_remote_id=str(raw["stage_id"]),
            outcome="DECLINED",
            rejection_reason_remote_id=str(reason["id"]),
            rejection_reason_name=reason["name"],
            rejected_at=parse_datetime(raw["rejected_at"]),
            source="Full Record Board",
            remote_created_at=parse_datetime(raw["created_at"]),
            remote_updated_at=parse_datetime(raw["updated_at"]),
            remote_data=raw,
        )
        return ReadModel.APPLICATIONS, expected


__all__ = ["EmailAddress", "GreenhouseHarness", "greenhouse_connector"]
