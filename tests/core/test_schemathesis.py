"""The whole /v1 surface against its served OpenAPI schema, by schemathesis (pinned in requirements-dev.txt): no
server error, no status code the schema does not document, every response as documented.

A bounded, seeded run (`--max-examples`, `--seed`) against the live server on loopback, with a synced sandbox
integration so reads return records and ids resolve."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from apps.integrations.models import ApiKey, SyncRun
from apps.integrations.sync import RunOutcome, sync_run_execute, sync_run_request
from tests.factories.integrations import IntegrationFactory

CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
SEED = 20261202
MAX_EXAMPLES = 3
MAX_SECONDS = 100  # the bound of the whole run (CI time)


@pytest.mark.django_db(transaction=True)
def test_every_v1_operation_conforms_to_the_served_schema(live_server: Any, api_key: ApiKey, tmp_path: Path) -> None:
    integration = IntegrationFactory(environment=api_key.environment)
    run, _ = sync_run_request(
        integration=integration, type=SyncRun.Type.FULL, trigger=SyncRun.Trigger.COMMAND, enqueue=False
    )
    assert sync_run_execute(run_id=run.id, time_budget=float("inf")) == RunOutcome.SUCCEEDED
    report = tmp_path / "report.json"

    completed = subprocess.run(
        [
            str(Path(sys.executable).parent / "st"), "run", f"{live_server.url}/v1/openapi.json",
            "--url", f"{live_server.url}/v1",
            "--checks", CHECKS,
            "--phases", "examples,fuzzing", "--seed", str(SEED), "--max-examples", str(MAX_EXAMPLES),
            "--max-time", str(MAX_SECONDS), "--workers", "2",
            "--header", f"Authorization: Bearer {api_key.raw_key}",
            "--header", f"X-Integration-Id: {integration.id}",
            "--report", "json", "--report-json-path", str(report),
            "--no-color",
        ],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip

    assert completed.returncode == 0, completed.stdout[-8000:] + completed.stderr[-3000:]
    summary = json.loads(report.read_text())
    assert summary, "schemathesis wrote no report"
