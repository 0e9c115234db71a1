"""One Teamtailor emulator on loopback for the whole session, reset before each test; no database needed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.teamtailor.emulator import API_VERSION, DEFAULT_API_KEY, TeamtailorEmulator, create_app

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
JSONAPI = "application/vnd.api+json"


class TT:
    """requests on the emulator: `tt.get("/candidates")` under `/<region>/v1`, `tt.control(...)`."""

    def __init__(self, url: str, region: str = "eu", key: str = DEFAULT_API_KEY, version: str | None = API_VERSION):
        self.url = url
        self.region = region
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token token={key}"
        if version is not None:
            self.session.headers["X-Api-Version"] = version

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        if "json" in kwargs:
            kwargs.setdefault("headers", {})["Content-Type"] = JSONAPI
        return self.session.request(method, f"{self.url}/{self.region}/v1{path}", timeout=10, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def control(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)

    def state(self) -> dict[str, Any]:
        return self.control("GET", "/state").json()


@pytest.fixture(scope="session")
def tt_session_clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture(scope="session")
def tt_app(tt_session_clock: ManualClock) -> TeamtailorEmulator:
    return create_app(clock=tt_session_clock, limits_enabled=False)


@pytest.fixture(scope="session")
def tt_session_server(tt_app: TeamtailorEmulator) -> Iterator[LoopbackServer]:
    with LoopbackServer(tt_app) as server:
        yield server


@pytest.fixture
def tt_server(tt_session_server: LoopbackServer, tt_app: TeamtailorEmulator) -> LoopbackServer:
    tt_app.reset()
    tt_app.limiter.enabled = False
    return tt_session_server


@pytest.fixture
def tt_clock(tt_server: LoopbackServer, tt_session_clock: ManualClock) -> ManualClock:
    return tt_session_clock


@pytest.fixture
def tt(tt_server: LoopbackServer) -> TT:
    return TT(tt_server.url)
