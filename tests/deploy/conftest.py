from __future__ import annotations

from pathlib import Path

import pytest

from tests.deploy.processes import collectstatic


@pytest.fixture(scope="session")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`collectstatic` once per test process, as the set-up of every deployment runs it."""
    root = tmp_path_factory.mktemp("static")
    collectstatic(root)
    return root
