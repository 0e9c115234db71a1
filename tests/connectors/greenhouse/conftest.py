"""The Greenhouse emulator on one session-scoped loopback server (reset before each test)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.greenhouse.emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, GreenhouseEmulator, create_app

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def greenhouse_clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture(scope="session")
def greenhouse_app(greenhouse_clock: ManualClock) -> GreenhouseEmulator:
    return create_app(clock=greenhouse_clock, limits_enabled=False)


@pytest.fixture(scope="session")
def greenhouse_session_server(greenhouse_app: GreenhouseEmulator) -> Iterator[LoopbackServer]:
    with LoopbackServer(greenhouse_app) as server:
        yield server


@pytest.fixture
def greenhouse_server(greenhouse_session_server: LoopbackServer, greenhouse_app: GreenhouseEmulator) -> LoopbackServer:
    greenhouse_app.reset()
    greenhouse_app.limiter.enabled = False
    return greenhouse_session_server


class GH:
    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def token(
        self, sub: str | None = "1001", client: tuple[str, str] = (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    ) -> requests.Response:
        form = {"grant_type": "client_credentials", **({"sub": sub} if sub else {})}
        return requests.post(f"{self.url}/token", data=form, auth=client, timeout=10)

    def as_user(self, sub: str = "1001") -> GH:
        return GH(self.url, self.token(sub).json()["access_token"])

    def req(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, f"{self.url}{path}", timeout=10, **kwargs)

    def control(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)

    def state(self) -> dict[str, Any]:
        return self.control("GET", "/state").json()


@pytest.fixture
def gh(greenhouse_server: LoopbackServer) -> GH:
    return GH(greenhouse_server.url).as_user()
