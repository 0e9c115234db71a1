"""The connector contract suite for Factorial, against the Factorial emulator on loopback."""

from __future__ import annotations

import pytest

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from tests.connectors.contract import ConnectorContract, ConnectorHarness
from tests.connectors.factorial.harness import FactorialHarness


class TestFactorialContract(ConnectorContract):
    @pytest.fixture
    def harness(self, fa_server: LoopbackServer, fa_clock: ManualClock) -> ConnectorHarness:
        return FactorialHarness(fa_server.url, fa_clock)
