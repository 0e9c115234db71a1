from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from config.env import generated_secret

ROOT = Path(__file__).resolve().parents[2]


def test_development_secret_is_generated_once_with_mode_600(tmp_path: Path, monkeypatch: object) -> None:
    monkeypatch.setattr("config.env.VAR_DIR", tmp_path)  # type: ignore[attr-defined]

    first = generated_secret("secret_key", lambda: "generated-value")
    second = generated_secret("secret_key", lambda: "another-value")

    assert first == second == "generated-value"
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def _import_production_settings(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "CREDENTIALS_KEYS"}}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_refuse_to_start_without_secrets() -> None:
    result = _import_production_settings({"DATABASE_URL": "postgres://x@127.0.0.1/x", "ALLOWED_HOSTS": "x.example"})

    assert result.returncode == 1
    assert "SECRET_KEY must be set in the environment for production." in result.stderr


def test_production_settings_start_with_secrets(tmp_path: Path) -> None:
    result = _import_production_settings(
        {
            "SECRET_KEY": "x" * 50,
            "CREDENTIALS_KEYS": "k1:" + "A" * 43 + "=",
            "DATABASE_URL": "postgres://x@127.0.0.1/x",
            "ALLOWED_HOSTS": "x.example",
            "TRIBUTARY_VAR_DIR": str(tmp_path),
        }
    )

    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing generated in production
