"""`manage.py run_emulator smartrecruiters` serves the emulator until interrupted."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.core.management.base import CommandError

from apps.connectors.emulation.registry import EMULATORS, UnknownEmulator, get_app_factory
from apps.connectors.management.commands.run_emulator import parse_seed
from apps.connectors.registry import CONNECTORS
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, SmartRecruitersEmulator

ROOT = Path(__file__).resolve().parents[3]


def test_parse_seed_accepts_json_and_pairs() -> None:
    assert parse_seed(['{"candidates": 500}', "jobs=10,company=globex", "seed=-1"]) == {
        "candidates": 500,
        "jobs": 10,
        "company": "globex",
        "seed": -1,
    }
    with pytest.raises(CommandError, match="--seed: expected key=value, got 'jobs'"):
        parse_seed(["jobs"])


def test_registry_resolves_the_factory() -> None:
    app = get_app_factory("smartrecruiters")(seed={"candidates": 1, "jobs": 1, "applications": 1})

    assert isinstance(app, SmartRecruitersEmulator)
    assert set(EMULATORS) == set(CONNECTORS) - {"sandbox"}  # every vendor connector has its emulator, and only they
    with pytest.raises(UnknownEmulator):
        get_app_factory("sandbox")


def test_run_emulator_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_emulator",
            "smartrecruiters",
            "--port",
            "0",
            "--no-limits",
            "--seed",
            "candidates=3,jobs=2,applications=3",
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
        jobs = requests.get(f"{url.group(1)}/jobs", headers={"X-SmartToken": DEFAULT_API_KEY}, timeout=10).json()
        limits = requests.get(f"{url.group(1)}/_emulator/limits", timeout=10).json()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
    # Read through the text wrapper: readline() may already hold the next lines in its buffer.
    output = first_line + process.stdout.read()
    process.stdout.close()

    assert jobs["totalFound"] == 2
    assert limits["enabled"] is False
    assert f"POST   {url.group(1)}/_emulator/faults" in output
    assert f"API key (X-SmartToken): {DEFAULT_API_KEY}" in output
    assert output.rstrip().endswith("stopped")
    assert process.returncode == 0
