"""The SmartRecruiters emulator served on an ephemeral loopback port; no database needed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, SmartRecruitersEmulator, create_app

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


class SR:
    """A requests session on the emulator: `sr.get("/jobs")`, `sr.control("GET", "/state")`."""

    def __init__(self, url: str, app: SmartRecruitersEmulator, headers: dict[str, str] | None = None) -> None:
        self.url = url
        self.app = app
        self.session = requests.Session()
        self.session.headers.update(headers if headers is not None else {"X-SmartToken": DEFAULT_API_KEY})

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, f"{self.url}{path}", timeout=10, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def control(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)

    def state(self) -> dict[str, Any]:
        return self.control("GET", "/state").json()

    def as_(self, headers: dict[str, str]) -> SR:
        return SR(self.url, self.app, headers)

    def bearer(self, scopes: list[str] | None = None) -> SR:
        token = self.control("POST", "/oauth/tokens", json={"scopes": scopes}).json()["access_token"]
        return self.as_({"Authorization": f"Bearer {token}"})


@pytest.fixture
def sr_clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def sr_app(sr_clock: ManualClock) -> SmartRecruitersEmulator:
    # Limits off by default (a manual clock never slides the window); the limits tests switch them on.
    return create_app(clock=sr_clock, limits_enabled=False)


@pytest.fixture
def sr_server(sr_app: SmartRecruitersEmulator) -> Iterator[LoopbackServer]:
    with LoopbackServer(sr_app) as server:
        yield server


@pytest.fixture
def sr(sr_server: LoopbackServer, sr_app: SmartRecruitersEmulator) -> SR:
    return SR(sr_server.url, sr_app)
