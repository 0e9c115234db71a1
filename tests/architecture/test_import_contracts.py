"""The import direction (pyproject.toml [tool.importlinter]) holds, and import-linter fails on a scratch violation.

Each case copies the source tree and the contracts into a temporary directory, adds one module with a forbidden
import, and runs `lint-imports` there: it must exit 1 naming the broken contract and the offending line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _copy_tree(destination: Path) -> None:
    shutil.copytree(ROOT / "apps", destination / "apps", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", destination / "pyproject.toml")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def _flat(output: str) -> str:
    # import-linter wraps long lines at the terminal width; compare without the wrapping.
    return " ".join(output.split())


def test_contracts_hold_on_the_real_tree(tmp_path: Path) -> None:
    _copy_tree(tmp_path)
    result = _lint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 6 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "broken", "violation", "summary"),
    [
        (
            "apps/connectors/scratch.py",
            "from apps.integrations.models import Integration",
            "apps.connectors is a library: it imports no other app BROKEN",
            "apps.connectors.scratch -> apps.integrations.models (l.3)",
            "Contracts: 4 kept, 2 broken.",  # the layers contract too
        ),
        (
            "apps/core/scratch.py",
            "from apps.connectors.catalog import ReadModel",
            "apps.core imports nothing of ours BROKEN",
            "apps.core is not allowed to import apps.connectors: - apps.core.scratch -> apps.connectors.catalog (l.3)",
            "Contracts: 4 kept, 2 broken.",
        ),
        (
            "apps/integrations/scratch.py",
            "from apps.applications.models import Application",
            "applications -> attribution -> integrations -> connectors -> core BROKEN",
            "apps.integrations is not allowed to import apps.applications: - apps.integrations.scratch -> "
            "apps.applications.models (l.3)",
            "Contracts: 5 kept, 1 broken.",
        ),
        (
            "apps/integrations/scratch.py",
            "from apps.attribution.models import SourceMapping",
            "applications -> attribution -> integrations -> connectors -> core BROKEN",
            "apps.integrations is not allowed to import apps.attribution: - apps.integrations.scratch -> "
            "apps.attribution.models (l.3)",
            "Contracts: 5 kept, 1 broken.",
        ),
        (
            "apps/attribution/scratch.py",
            "from apps.integrations.services import integration_create",
            "integrations services: imported across apps by interfaces only BROKEN",
            "apps.attribution.scratch -> apps.integrations.services (l.3)",
            "Contracts: 5 kept, 1 broken.",
        ),
    ],
)
def test_a_scratch_import_breaks_its_contract(
    tmp_path: Path, module: str, source: str, broken: str, violation: str, summary: str
) -> None:
    _copy_tree(tmp_path)
    (tmp_path / module).write_text(f"from __future__ import annotations\n\n{source}\n")

    result = _lint(tmp_path)

    assert result.returncode == 1
    output = _flat(result.stdout)
    assert broken in output
    assert violation in output
    assert summary in output
