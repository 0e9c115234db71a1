"""The whole /v1 surface against its served OpenAPI schema, by schemathesis (pinned in requirements-dev.txt): no
server error, no status code the schema does not document, every response as documented, and every schema-valid
request accepted, except for the rules below that no schema can state.

A bounded, seeded run (`--max-examples`, `--seed`, `--max-time`) against the live server on loopback, with a synced
sandbox integration so reads return records and ids resolve. The request schemas are as strict as the validation
(`apps.core.api.schema_strict`, the serializers' field schemas); `REFUSED_BY_RULE` lists what remains: requests the
schema allows and a rule outside it refuses, each with the rule and the message that names it."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from apps.integrations.models import ApiKey, SyncRun
from apps.integrations.sync import RunOutcome, sync_run_execute, sync_run_request
from tests.factories.integrations import IntegrationFactory

CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,positive_data_acceptance"
SEED = 20261202
MAX_EXAMPLES = 3
MAX_SECONDS = 100  # the bound of the whole run (CI time)

# Schema-valid requests refused, and the rule that refuses them: (operation, the refusal's message, the rule).
REFUSED_BY_RULE: list[tuple[str, str, str]] = [
    ("GET /ats/*", r"cursor: invalid cursor; pass the `next` value",
     "a cursor is signed for one list and integration (apps.core.api.cursors): only a `next` we handed out is valid"),
    ("POST /ats/jobs/{job_id}/applications", r"screening_question_answers: question '\w+' \(.*\) is required\.",
     "the job's required screening questions must be answered: which ones depends on the job, not the schema"),
    ("POST /ats/candidates", r"screening_question_answers: question '\w+' \(.*\) is required\.",
     "the job's required screening questions must be answered: which ones depends on the job, not the schema"),
    ("POST /ats/import-tracked-application", r"Send the IDs of the application under one of these keys: ",
     "the ids go under the key of the integration's own tool (contract §5.5): which one depends on the integration"),
    ("POST /ats/candidates", r"custom_fields\..*: This field may not be null\.",
     "a custom field's value is a JSON value other than null (an extension; the schema's any-value cannot say so)"),
    ("POST /ats/jobs/{job_id}/applications", r"custom_fields\..*: This field may not be null\.",
     "a custom field's value is a JSON value other than null (an extension; the schema's any-value cannot say so)"),
    ("POST /connect/create-link", r"integration_category: Tributary offers ATS tools; send",
     "the contract's enum has HRIS, which the SDK sends by default; Tributary offers ATS tools only (issue 17)"),
    ("POST /passthrough/{tool}/{api}", r"tool: must be '\w+', the tool of this integration; got",
     "the path's tool must be the integration's own tool: which one depends on the X-Integration-Id"),
]  # fmt: skip

REFUSED = "Schema-valid request rejected"


def _refusals(junit: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """Failures other than a refused schema-valid request; and the refusals, as (operation, message)."""
    others, refusals = [], []
    for case in ET.parse(junit).getroot().iter("testcase"):
        operation = case.get("name", "")
        for failure in [*case.iter("failure"), *case.iter("error")]:
            text = "\n".join(filter(None, [failure.get("message"), failure.text]))
            for block in re.split(r"\n(?=\d+\. Test Case ID:)", text):
                if "Test Case ID:" not in block:
                    continue  # the failure's summary line (the check's code)
                if REFUSED not in block:
                    others.append(f"{operation}: {block[:1500]}")
                    continue
                message = re.search(r'"message":\s*"((?:[^"\\]|\\.)*)"', block)
                refusals.append((operation, message.group(1) if message else block[:800]))
    return others, refusals


def _rule_for(operation: str, message: str) -> str | None:
    for pattern, refusal, rule in REFUSED_BY_RULE:
        if re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), operation) and re.search(refusal, message):
            return rule
    return None


@pytest.mark.django_db(transaction=True)
def test_every_v1_operation_conforms_to_the_served_schema(live_server: Any, api_key: ApiKey, tmp_path: Path) -> None:
    integration = IntegrationFactory(environment=api_key.environment)
    run, _ = sync_run_request(
        integration=integration, type=SyncRun.Type.FULL, trigger=SyncRun.Trigger.COMMAND, enqueue=False
    )
    assert sync_run_execute(run_id=run.id, time_budget=float("inf")) == RunOutcome.SUCCEEDED
    junit = tmp_path / "junit.xml"

    completed = subprocess.run(
        [
            str(Path(sys.executable).parent / "st"), "run", f"{live_server.url}/v1/openapi.json",
            "--url", f"{live_server.url}/v1",
            "--checks", CHECKS,
            "--phases", "examples,fuzzing", "--seed", str(SEED), "--max-examples", str(MAX_EXAMPLES),
            "--max-time", str(MAX_SECONDS), "--workers", "2",
            "--header", f"Authorization: Bearer {api_key.raw_key}",
            "--header", f"X-Integration-Id: {integration.id}",
            "--report", "junit", "--report-junit-path", str(junit),
            "--no-color",
        ],
        capture_output=True, text=True, timeout=600, check=False,
        cwd=tmp_path,  # its crash cache (.schemathesis/) would replay other runs' cases: every run the seeded one
    )  # fmt: skip

    assert junit.exists(), completed.stdout[-8000:] + completed.stderr[-3000:]
    others, refusals = _refusals(junit)
    assert others == [], "\n\n".join(others)[:12000]
    unexplained = [(operation, message) for operation, message in refusals if _rule_for(operation, message) is None]
    assert unexplained == [], unexplained
    # a non-zero exit is only ever the listed refusals
    assert completed.returncode == 0 or refusals, completed.stdout[-8000:] + completed.stderr[-3000:]
    assert "passed" in completed.stdout, completed.stdout[-3000:]
