"""The connector contract suite for Teamtailor, against the Teamtailor emulator on loopback (EU prefix)."""

from __future__ import annotations

import pytest

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from tests.connectors.contract import ConnectorContract, WriteContract, WriteHarness
from tests.connectors.teamtailor.harness import TeamtailorHarness


class TestTeamtailorContract(ConnectorContract, WriteContract):
    @pytest.fixture
    def harness(self, tt_server: LoopbackServer, tt_clock: ManualClock) -> WriteHarness:
        return TeamtailorHarness(tt_server.url, tt_clock)
