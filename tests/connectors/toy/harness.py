"""The Toy ATS contract harness (docs/connectors.md, step 7): the registry lines, the connector, the emulator."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import requests

from apps.connectors.base import Connector, ConnectorContext
from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import EmailAddress, RemoteCandidate, RemoteRecord
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.http import HttpClient, RetryPolicy, Timeout
from apps.connectors.registry import get_connector_class
from tests.connectors.emulated import READ_TIMEOUT, EmulatedHarness
from tests.connectors.toy.emulator.app import DEFAULT_API_KEY

# The registry lines a real connector adds to apps/connectors/registry.py and apps/connectors/emulation/registry.py.
CONNECTOR_PATH = "tests.connectors.toy.connector.ToyConnector"
EMULATOR_PATH = "tests.connectors.toy.emulator.app.create_app"


class ToyHarness(EmulatedHarness):
    model = ReadModel.CANDIDATES
    page_size = 5

    def __init__(self, url: str, clock: ManualClock) -> None:
        super().__init__(url, clock)
        self.control("POST", "/seed", json={"candidates": 3})
        self._made = 0

    def connector(self, *, valid_credentials: bool = True) -> Connector:
        key = DEFAULT_API_KEY if valid_credentials else "not-a-toy-key"
        http = HttpClient(
            base_url=self.url,
            rate_key="toy:test",
            retry=RetryPolicy.never(),
            timeout=Timeout(connect=2, read=READ_TIMEOUT),
            secrets=[key],
        )
        context = ConnectorContext(
            integration_key="toy:test",
            base_url=self.url,
            credentials={"api_key": key},
            auth_kind=AuthKind.API_KEY,
            http=http,
            options={"page_size": self.page_size},
        )
        return get_connector_class("toy")(context)

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(
            method, f"{self.url}{path}", headers={"X-Toy-Key": DEFAULT_API_KEY}, timeout=10, **kwargs
        )
        assert response.ok, response.text
        return response.json()

    def seed(self, count: int) -> list[str]:
        ids = []
        for _ in range(count):
            self._made += 1
            body = {"first_name": "Con", "last_name": f"Tract {self._made}", "email": f"c{self._made}@toy.example"}
            ids.append(self.api("POST", "/candidates", json=body)["id"])
        return ids

    def remote_ids(self) -> set[str]:
        return {candidate["id"] for candidate in self.state()["candidates"]}

    def change(self, remote_id: str) -> None:
        self.api("PATCH", f"/candidates/{remote_id}", json={"first_name": "Changed"})

    def delete(self, remote_id: str) -> None:
        self.control("DELETE", f"/candidates/{remote_id}")

    def full_record(self) -> tuple[ReadModel, RemoteRecord]:
        raw = self.api("POST", "/candidates", json={"first_name": "Ada", "last_name": "Lovelace", "email": "ada@x.org"})
        at = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
        expected = RemoteCandidate(
            remote_id=raw["id"],
            first_name="Ada",
            last_name="Lovelace",
            email_addresses=(EmailAddress(email_address="ada@x.org", type="PERSONAL"),),
            remote_created_at=at,
            remote_updated_at=at,
            remote_data=raw,
        )
        return ReadModel.CANDIDATES, expected
