"""The Workable emulator on an ephemeral loopback port (session-scoped, reset per test); no database needed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.workable.emulator import DEFAULT_TOKEN, SUBDOMAIN, WorkableEmulator, create_app

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


class WK:
    """requests on the emulator: `wk.get("/candidates")` under `/spi/v3/accounts/acme`, `wk.control(...)`."""

    def __init__(self, url: str, app: WorkableEmulator, token: str | None = DEFAULT_TOKEN) -> None:
        self.url, self.app = url, app
        self.session = requests.Session()
        if token is not None:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, f"{self.url}/spi/v3/accounts/{SUBDOMAIN}{path}", timeout=10, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def control(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)

    def state(self) -> dict[str, Any]:
        return self.control("GET", "/state").json()

    def with_token(self, token: str | None) -> WK:
        return WK(self.url, self.app, token)


@pytest.fixture(scope="session")
def wk_clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture(scope="session")
def wk_session_server(wk_clock: ManualClock) -> Iterator[tuple[LoopbackServer, WorkableEmulator]]:
    app = create_app(clock=wk_clock, limits_enabled=False)
    with LoopbackServer(app) as server:
        yield server, app


@pytest.fixture
def wk_server(wk_session_server: tuple[LoopbackServer, WorkableEmulator]) -> LoopbackServer:
    server, app = wk_session_server
    app.reset()
    app.limiter.enabled = False
    app.api_keys = {DEFAULT_TOKEN: app.api_keys[DEFAULT_TOKEN]}
    return server


@pytest.fixture
def wk(wk_server: LoopbackServer, wk_session_server: tuple[LoopbackServer, WorkableEmulator]) -> WK:
    return WK(wk_server.url, wk_session_server[1])
