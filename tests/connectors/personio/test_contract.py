"""Personio passes the shared connector contract (reads and writes) against its emulator over loopback."""

from __future__ import annotations

import pytest

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from tests.connectors.contract import ConnectorContract, ConnectorHarness, WriteContract
from tests.connectors.personio.harness import PersonioHarness


class TestPersonioContract(ConnectorContract, WriteContract):
    @pytest.fixture
    def harness(self, personio_server: LoopbackServer, personio_clock: ManualClock) -> ConnectorHarness:
        return PersonioHarness(personio_server.url, personio_clock)
