"""The connector contract suite (reads and writes) for Lever, against the Lever emulator on loopback."""

from __future__ import annotations

import pytest

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from tests.connectors.contract import ConnectorContract, WriteContract, WriteHarness
from tests.connectors.lever.harness import LeverHarness


class TestLeverContract(ConnectorContract, WriteContract):
    @pytest.fixture
    def harness(self, lv_server: LoopbackServer, lv_clock: ManualClock) -> WriteHarness:
        return LeverHarness(lv_server.url, lv_clock)
