"""The Lever emulator on an ephemeral loopback port (session-scoped, reset per test); no database needed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.lever.emulator import DEFAULT_API_KEY, LeverEmulator, create_app

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


class LV:
    """requests on the emulator: `lv.get("/opportunities")` under `/v1`, `lv.control(...)`."""

    def __init__(self, url: str, app: LeverEmulator, key: str | None = DEFAULT_API_KEY) -> None:
        self.url, self.app = url, app
        self.session = requests.Session()
        if key is not None:
            self.session.auth = (key, "")

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, f"{self.url}/v1{path}", timeout=10, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def control(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)

    def state(self) -> dict[str, Any]:
        return self.control("GET", "/state").json()

    def with_key(self, key: str | None) -> LV:
        return LV(self.url, self.app, key)


@pytest.fixture(scope="session")
def lv_clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture(scope="session")
def lv_session_server(lv_clock: ManualClock) -> Iterator[tuple[LoopbackServer, LeverEmulator]]:
    app = create_app(clock=lv_clock, limits_enabled=False)
    with LoopbackServer(app) as server:
        yield server, app


@pytest.fixture
def lv_server(lv_session_server: tuple[LoopbackServer, LeverEmulator]) -> LoopbackServer:
    server, app = lv_session_server
    app.reset()
    app.limiter.enabled = False
    app.api_keys = {DEFAULT_API_KEY: app.api_keys[DEFAULT_API_KEY]}
    return server


@pytest.fixture
def lv(lv_server: LoopbackServer, lv_session_server: tuple[LoopbackServer, LeverEmulator]) -> LV:
    return LV(lv_server.url, lv_session_server[1])
