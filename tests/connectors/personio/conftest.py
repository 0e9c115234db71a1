"""The Personio emulator on one session-scoped loopback server (reset before each test)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.personio.emulator import (
    DEFAULT_API_KEY,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    PersonioEmulator,
    create_app,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
COMPANY_ID = "98765"
V1_HEADERS = {"Authorization": f"Bearer {DEFAULT_API_KEY}", "X-Company-ID": COMPANY_ID}


@pytest.fixture(scope="session")
def personio_clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture(scope="session")
def personio_app(personio_clock: ManualClock) -> PersonioEmulator:
    return create_app(clock=personio_clock, limits_enabled=False)


@pytest.fixture(scope="session")
def personio_session_server(personio_app: PersonioEmulator) -> Iterator[LoopbackServer]:
    with LoopbackServer(personio_app) as server:
        yield server


@pytest.fixture
def personio_server(personio_session_server: LoopbackServer, personio_app: PersonioEmulator) -> LoopbackServer:
    personio_app.reset()
    personio_app.limiter.enabled = False
    return personio_session_server


class PE:
    """Raw calls to the emulator: v2 with a fresh token, v1 with the Recruiting API key."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()

    def token(self, client: tuple[str, str] = (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)) -> requests.Response:
        form = {"grant_type": "client_credentials", "client_id": client[0], "client_secret": client[1]}
        return requests.post(f"{self.url}/v2/auth/token", data=form, timeout=10)

    def login(self) -> PE:
        self.session.headers["Authorization"] = f"Bearer {self.token().json()['access_token']}"
        return self

    def v2(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(f"{self.url}/v2/recruiting{path}", timeout=10, **kwargs)

    def v1(self, path: str = "", headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
        return requests.post(
            f"{self.url}/v1/recruiting/applications{path}", headers=V1_HEADERS if headers is None else headers,
            timeout=10, **kwargs,
        )  # fmt: skip

    def control(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)

    def state(self) -> dict[str, Any]:
        return self.control("GET", "/state").json()

    def published_job(self) -> dict[str, Any]:
        return next(job for job in self.state()["jobs"] if job["status"] == "published")


@pytest.fixture
def pe(personio_server: LoopbackServer) -> PE:
    return PE(personio_server.url).login()
