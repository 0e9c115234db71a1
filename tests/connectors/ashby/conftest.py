"""The Ashby emulator on one loopback server per session; each test starts from a reset state."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from apps.connectors.ashby.emulator import DEFAULT_API_KEY, AshbyEmulator, create_app
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n% a test CV\n"


class AB:
    """Requests on the emulator: `ab.call("job.list", {...})` → the JSON body, `ab.control("GET", "/state")`."""

    def __init__(self, url: str, app: AshbyEmulator, key: str | None = DEFAULT_API_KEY) -> None:
        self.url = url
        self.app = app
        self.key = key

    def raw(self, path: str, **kwargs: Any) -> requests.Response:
        auth = (self.key, "") if self.key is not None else None
        return requests.post(f"{self.url}/{path}", auth=auth, timeout=10, **kwargs)

    def call(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.raw(path, json=body or {})
        assert response.status_code == 200, response.text
        return response.json()

    def ok(self, path: str, body: dict[str, Any] | None = None) -> Any:
        answer = self.call(path, body)
        assert answer["success"] is True, answer
        return answer["results"]

    def submit(
        self, posting_id: str, fields: list[dict[str, Any]], files: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        data = {
            "jobPostingId": posting_id,
            "applicationForm": json.dumps({"fieldSubmissions": fields}),
            "allowSubmissionForUnpublishedJobPosting": "false",
        }
        response = self.raw("applicationForm.submit", data=data, files=files or {"_": ("x", b"", "text/plain")})
        assert response.status_code == 200, response.text
        return response.json()

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)
        assert response.ok, response.text
        return response.json()

    def state(self) -> dict[str, Any]:
        return self.control("GET", "/state")

    def as_key(self, key: str | None) -> AB:
        return AB(self.url, self.app, key)

    def open_posting(self) -> dict[str, Any]:
        jobs = self.ok("job.list", {"status": ["Open"]})
        return self.ok("jobPosting.info", {"jobPostingId": jobs[0]["jobPostingIds"][0]})


def required_answers(posting: dict[str, Any], email: str) -> list[dict[str, Any]]:
    values: dict[str, Any] = {"String": "Jane Doe", "Email": email, "ValueSelect": "5-10 years", "Boolean": True}
    return [
        {"path": entry["field"]["path"], "value": values[entry["field"]["type"]]}
        for section in posting["applicationFormDefinition"]["sections"]
        for entry in section["fields"]
        if entry["isRequired"]
    ]


@pytest.fixture(scope="session")
def ashby_clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture(scope="session")
def ashby_app(ashby_clock: ManualClock) -> AshbyEmulator:
    # Limits off by default (a manual clock never slides the window); the limits test switches them on.
    return create_app(clock=ashby_clock, limits_enabled=False)


@pytest.fixture(scope="session")
def ashby_server(ashby_app: AshbyEmulator) -> Iterator[LoopbackServer]:
    with LoopbackServer(ashby_app) as server:
        yield server


@pytest.fixture
def ab(ashby_server: LoopbackServer, ashby_app: AshbyEmulator) -> AB:
    requests.post(f"{ashby_server.url}/_emulator/reset", timeout=10).raise_for_status()
    requests.post(f"{ashby_server.url}/_emulator/limits", json={"enabled": False}, timeout=10).raise_for_status()
    return AB(ashby_server.url, ashby_app)
