"""The Toy ATS — added by following docs/connectors.md — passes the shared contract suite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from apps.connectors import registry
from apps.connectors.emulation import registry as emulators
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from tests.connectors.contract import ConnectorContract, ConnectorHarness
from tests.connectors.toy.connector import ToyConnector
from tests.connectors.toy.harness import CONNECTOR_PATH, EMULATOR_PATH, ToyHarness


@pytest.fixture
def toy_registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The two registry lines of docs/connectors.md step 2, for the length of one test."""
    monkeypatch.setitem(registry.CONNECTORS, "toy", CONNECTOR_PATH)
    monkeypatch.setitem(emulators.EMULATORS, "toy", EMULATOR_PATH)
    registry.get_connector_class.cache_clear()
    yield
    registry.get_connector_class.cache_clear()


@pytest.fixture
def toy_server(toy_registered: None) -> Iterator[tuple[LoopbackServer, ManualClock]]:
    clock = ManualClock(datetime(2025, 3, 1, 12, 0, tzinfo=UTC))
    app = emulators.get_app_factory("toy")(clock=clock)
    with LoopbackServer(app) as server:
        yield server, clock


class TestToyContract(ConnectorContract):
    @pytest.fixture
    def harness(self, toy_server: tuple[LoopbackServer, ManualClock]) -> ConnectorHarness:
        server, clock = toy_server
        return ToyHarness(server.url, clock)


def test_the_registry_lines_make_the_toy_a_known_tool(toy_registered: None) -> None:
    assert registry.is_known_tool("toy")
    assert registry.get_connector_class("toy") is ToyConnector
    assert ToyConnector in registry.connector_classes("ATS")
    assert type(emulators.get_app_factory("toy")()).__name__ == "ToyEmulator"
