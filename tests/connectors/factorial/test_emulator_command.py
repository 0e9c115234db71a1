"""`manage.py run_emulator factorial` serves the emulator until interrupted."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import requests

from apps.connectors.emulation.registry import get_app_factory
from apps.connectors.factorial.emulator import DEFAULT_API_KEY, FactorialEmulator

ROOT = Path(__file__).resolve().parents[3]


def test_registry_resolves_the_factory() -> None:
    app = get_app_factory("factorial")(seed={"candidates": 2, "jobPostings": 1, "applications": 2})

    assert isinstance(app, FactorialEmulator)
    assert app.state_snapshot()["counts"]["applications"] == 2


def test_run_emulator_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_emulator",
            "factorial",
            "--port",
            "0",
            "--seed",
            '{"candidates": 3, "jobPostings": 2, "applications": 3}',
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        url = re.search(r"listening on (http://127\.0\.0\.1:\d+)", first_line)
        assert url is not None, first_line
        candidates = requests.get(
            f"{url.group(1)}/api/2026-10-01/resources/ats/candidates",
            headers={"x-api-key": DEFAULT_API_KEY},
            timeout=10,
        ).json()
        limits = requests.get(f"{url.group(1)}/_emulator/limits", timeout=10).json()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
    output = first_line + process.stdout.read()
    process.stdout.close()

    assert candidates["meta"]["total"] == 3
    assert (limits["enabled"], limits["postRate"]) == (True, 200)
    assert f"API key (x-api-key): {DEFAULT_API_KEY}" in output
    assert f"POST   {url.group(1)}/_emulator/candidate-sources" in output
    assert output.rstrip().endswith("stopped")
    assert process.returncode == 0
