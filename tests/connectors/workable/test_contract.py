"""The connector contract suite (reads and writes) for Workable, against the Workable emulator on loopback."""

from __future__ import annotations

import pytest

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from tests.connectors.contract import ConnectorContract, WriteContract, WriteHarness
from tests.connectors.workable.harness import WorkableHarness


class TestWorkableContract(ConnectorContract, WriteContract):
    @pytest.fixture
    def harness(self, wk_server: LoopbackServer, wk_clock: ManualClock) -> WriteHarness:
        return WorkableHarness(wk_server.url, wk_clock)
