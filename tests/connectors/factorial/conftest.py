"""The Factorial emulator served on an ephemeral loopback port; no database needed."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.factorial.emulator import DEFAULT_API_KEY, LATEST_VERSION, FactorialEmulator, create_app

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n% a test CV\n"


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def cv_object(content: bytes = PDF, filename: str = "cv.pdf", **extra: Any) -> dict[str, Any]:
    return {"filename": filename, "content": b64(content), **extra}


class FA:
    """A requests session on the emulator: `fa.get("/ats/candidates")` (under `/api/<version>/resources`),
    `fa.raw("GET", "/oauth/authorize")` (any path), `fa.control("GET", "/state")`."""

    def __init__(
        self, url: str, app: FactorialEmulator, headers: dict[str, str] | None = None, version: str = LATEST_VERSION
    ) -> None:
        self.url = url
        self.app = app
        self.version = version
        self.session = requests.Session()
        self.session.headers.update(headers if headers is not None else {"x-api-key": DEFAULT_API_KEY})

    def raw(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, f"{self.url}{path}", timeout=10, **kwargs)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.raw(method, f"/api/{self.version}/resources{path}", **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def control(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)

    def state(self) -> dict[str, Any]:
        return self.control("GET", "/state").json()

    def as_(self, headers: dict[str, str], version: str | None = None) -> FA:
        return FA(self.url, self.app, headers, version or self.version)

    def bearer(self, scopes: list[str] | None = None, *, company: bool = False) -> FA:
        body: dict[str, Any] = {"scopes": scopes, "company": company}
        token = self.control("POST", "/oauth/tokens", json=body).json()["access_token"]
        return self.as_({"Authorization": f"Bearer {token}"})

    def all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every record of a list endpoint, following `end_cursor`."""
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = self.get(path, params={**params, **({"after_id": cursor} if cursor else {})}).json()
            items.extend(page["data"])
            if not page["meta"]["has_next_page"]:
                return items
            cursor = page["meta"]["end_cursor"]


@pytest.fixture
def fa_clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def fa_app(fa_clock: ManualClock) -> FactorialEmulator:
    # Limits off by default (a manual clock never slides the window); the limits tests switch them on.
    return create_app(clock=fa_clock, limits_enabled=False)


@pytest.fixture
def fa_server(fa_app: FactorialEmulator) -> Iterator[LoopbackServer]:
    with LoopbackServer(fa_app) as server:
        yield server


@pytest.fixture
def fa(fa_server: LoopbackServer, fa_app: FactorialEmulator) -> FA:
    return FA(fa_server.url, fa_app)
