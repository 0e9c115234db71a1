from __future__ import annotations

from collections.abc import Iterator

import pytest

from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.smartrecruiters.emulator import create_app
from tests.connectors.contract import ConnectorContract, ConnectorHarness
from tests.connectors.smartrecruiters.harness import SmartRecruitersHarness


class TestSmartRecruitersContract(ConnectorContract):
    @pytest.fixture
    def harness(self) -> Iterator[ConnectorHarness]:
        app = create_app(limits_enabled=False)
        with LoopbackServer(app) as server:
            yield SmartRecruitersHarness(server, app)
