from __future__ import annotations

from pathlib import Path

import pytest

from tests.connectors.contract import ConnectorContract, ConnectorHarness, WriteContract
from tests.connectors.sandbox.harness import SandboxHarness


class TestSandboxContract(ConnectorContract, WriteContract):
    @pytest.fixture
    def harness(self, tmp_path: Path) -> ConnectorHarness:
        return SandboxHarness(tmp_path)
