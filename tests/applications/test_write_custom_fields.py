"""`custom_fields` on create application / create candidate (Tributary's extension): the environment's keys,
through the integration's mapping, written to the ATS's own fields; unknown and unmapped keys refused by name."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY as SR_KEY
from apps.connectors.smartrecruiters.emulator import create_app as smartrecruiters_app
from apps.integrations.field_models import CustomField, IntegrationField
from apps.integrations.field_services import custom_field_create, custom_field_map, integration_fields_refresh
from apps.integrations.models import ApiKey, Environment, Integration, SyncRun
from apps.integrations.sync import RunOutcome, sync_run_execute, sync_run_request
from tests.applications.test_write_resume import SR_SEED, Vendor, _integration
from tests.applications.writing import candidate, required_answers, sandbox, stored_job


@pytest.fixture
def mapped(integration: Integration) -> dict[str, CustomField]:
    """`notice` → the sandbox candidates' `notice_period_weeks`, `referral` → its applications' `referrer`;
    `unmapped` defined but not mapped."""
    integration_fields_refresh(integration=integration)
    fields = {}
    for model, key, remote_key in (
        ("ats_candidates", "notice", "notice_period_weeks"), ("ats_applications", "referral", "referrer"),
        ("ats_applications", "unmapped", None),
    ):  # fmt: skip
        fields[key] = custom_field_create(environment=integration.environment, model=model, key=key)
        if remote_key is not None:
            target = IntegrationField.objects.get(integration=integration, model=model, key=remote_key)
            custom_field_map(integration=integration, custom_field=fields[key], integration_field_id=target.id)
    return fields


def _post(api_base_url: str, api_key: ApiKey, integration: Integration, path: str, body: dict[str, Any]) -> Any:
    return requests.post(
        f"{api_base_url}{path}",
        json=body,
        headers={"Authorization": f"Bearer {api_key.raw_key}", "X-Integration-Id": integration.id},
        timeout=30,
    )


@pytest.mark.django_db(transaction=True)
def test_mapped_values_reach_the_ats_fields_and_come_back_under_custom_fields_after_a_sync(
    integration: Integration, api_base_url: str, api_key: ApiKey, mapped: dict[str, CustomField]
) -> None:
    job = stored_job(integration)
    response = _post(api_base_url, api_key, integration, f"/ats/jobs/{job.id}/applications", {
        "candidate": candidate("grace@example.com"), "screening_question_answers": required_answers(job),
        "custom_fields": {"notice": 6, "referral": "ada@acme.example"},
    })  # fmt: skip

    assert response.status_code == 200, response.text
    created = response.json()["data"]
    assert response.json()["warnings"] == []
    store = sandbox(integration)
    application = store.get("applications", created["remote_id"])
    assert application["custom_fields"] == {"referrer": "ada@acme.example"}  # type: ignore[index]
    assert store.get("candidates", application["candidate_id"])["custom_fields"] == {  # type: ignore[index]
        "notice_period_weeks": 6
    }

    run, _ = sync_run_request(integration=integration, type=SyncRun.Type.FULL, trigger=SyncRun.Trigger.COMMAND)
    assert sync_run_execute(run_id=run.id, time_budget=float("inf")) == RunOutcome.SUCCEEDED
    headers = {"Authorization": f"Bearer {api_key.raw_key}", "X-Integration-Id": integration.id}
    listed = requests.get(
        f"{api_base_url}/ats/applications", params={"ids": created["id"]}, headers=headers, timeout=30
    ).json()["data"]["results"]
    # (the sandbox's mapping also lists its documents' own custom fields under their raw keys: not this feature's)
    assert [item["custom_fields"]["referral"] for item in listed] == ["ada@acme.example"]
    candidates = requests.get(
        f"{api_base_url}/ats/candidates", params={"ids": created["candidate"]["id"]}, headers=headers, timeout=30
    ).json()["data"]["results"]
    assert [item["custom_fields"]["notice"] for item in candidates] == [6]


@pytest.mark.django_db(transaction=True)
def test_the_legacy_create_candidate_takes_them_too(
    integration: Integration, api_base_url: str, api_key: ApiKey, mapped: dict[str, CustomField]
) -> None:
    job = stored_job(integration)
    response = _post(api_base_url, api_key, integration, "/ats/candidates", {
        "candidate": candidate("hedy@example.com"), "application": {"job_id": job.id},
        "screening_question_answers": required_answers(job), "custom_fields": {"referral": "a friend"},
    })  # fmt: skip

    assert response.status_code == 200, response.text
    remote_candidate = response.json()["data"]["remote_id"]
    store = sandbox(integration)
    written = [store.get("applications", remote_id) for remote_id in store.ids("applications")]
    mine = [doc["custom_fields"] for doc in written if doc and doc["candidate_id"] == remote_candidate]
    assert mine == [{"referrer": "a friend"}]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("custom_fields", "message"),
    [
        (
            {"nope": 1},
            "custom_fields.nope: no custom field 'nope' of candidates or applications is defined in this "
            "environment (admin: Custom fields).",
        ),
        (
            {"referral": "x", "unmapped": 2},
            "custom_fields.unmapped: the custom field is not mapped to a field of "
            "this integration (PUT /v1/integrations/{integration}/custom-fields/"
            "{unmapped}).",
        ),
        (["notice"], 'custom_fields: Expected a dictionary of items but got type "list".'),
    ],
    ids=["unknown key", "unmapped key", "not an object"],
)
def test_unknown_and_unmapped_keys_are_refused_by_name_and_nothing_is_written(
    integration: Integration, api_base_url: str, api_key: ApiKey, mapped: dict[str, CustomField],
    custom_fields: Any, message: str,
) -> None:  # fmt: skip
    job = stored_job(integration)
    before = sandbox(integration).count("applications")
    response = _post(api_base_url, api_key, integration, f"/ats/jobs/{job.id}/applications", {
        "candidate": candidate("kate@example.com"), "screening_question_answers": required_answers(job),
        "custom_fields": custom_fields,
    })  # fmt: skip

    assert response.status_code == 400
    error = response.json()["error"]
    expected = message.format(integration=integration.id, unmapped=mapped["unmapped"].id)
    assert (error["code"], error["message"]) == ("PLATFORM.INPUT_INVALID", expected)
    assert sandbox(integration).count("applications") == before


# The first candidate property of the SmartRecruiters emulator's seed ("Salary expectation", tests/integrations/
# fields_support.py).
SR_SALARY_PROPERTY = "5f3c1a2e-7b44-4d1e-9a0c-1b2c3d4e5f01"


@pytest.mark.django_db(transaction=True)
def test_a_vendor_that_takes_no_custom_field_values_yet_creates_and_says_it_dropped_them(
    environment: Environment, api_base_url: str, api_key: ApiKey
) -> None:
    with LoopbackServer(smartrecruiters_app(seed=SR_SEED, limits_enabled=False)) as server:
        vendor = Vendor("smartrecruiters", server.url, _integration(environment, "smartrecruiters", server.url, SR_KEY))
        integration_fields_refresh(integration=vendor.integration)
        salary = custom_field_create(environment=environment, model="ats_applications", key="salary")
        target = IntegrationField.objects.get(integration=vendor.integration, key=SR_SALARY_PROPERTY)
        custom_field_map(integration=vendor.integration, custom_field=salary, integration_field_id=target.id)
        job = vendor.open_job()

        response = _post(api_base_url, api_key, vendor.integration, f"/ats/jobs/{job.id}/applications", {
            "candidate": candidate("ada@example.com"), "screening_question_answers": required_answers(job),
            "custom_fields": {"salary": "90k"},
        })  # fmt: skip

        assert response.status_code == 200, response.text
        dropped = (
            "custom_fields: SmartRecruiters takes no custom field values through Tributary yet; not written (salary)."
        )
        assert dropped in [warning["message"] for warning in response.json()["warnings"]]
        assert vendor.applications_of("ada@example.com") == 1
