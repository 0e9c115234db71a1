"""Ashby passes the shared contract suite (reads and writes) against its emulator over loopback."""

from __future__ import annotations

import pytest

from apps.connectors.ashby.emulator import AshbyEmulator
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from tests.connectors.ashby.harness import AshbyHarness
from tests.connectors.contract import ConnectorContract, ConnectorHarness, WriteContract


class TestAshbyContract(ConnectorContract, WriteContract):
    @pytest.fixture
    def harness(
        self, ashby_server: LoopbackServer, ashby_app: AshbyEmulator, ashby_clock: ManualClock
    ) -> ConnectorHarness:
        return AshbyHarness(ashby_server.url, ashby_clock)
