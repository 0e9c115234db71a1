"""Greenhouse passes the shared connector contract (reads and writes) against its emulator over loopback."""

from __future__ import annotations

import pytest

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from tests.connectors.contract import ConnectorContract, ConnectorHarness, WriteContract
from tests.connectors.greenhouse.harness import GreenhouseHarness


class TestGreenhouseContract(ConnectorContract, WriteContract):
    @pytest.fixture
    def harness(self, greenhouse_server: LoopbackServer, greenhouse_clock: ManualClock) -> ConnectorHarness:
        return GreenhouseHarness(greenhouse_server.url, greenhouse_clock)
