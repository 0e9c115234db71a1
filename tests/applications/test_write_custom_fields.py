"""`custom_fields` on create application / create candidate (Tributary's extension): the environment's keys,
through the integration's mapping, written to the ATS's own fields; unknown and unmapped keys refused by name.
The sandbox and SmartRecruiters (candidate properties, a step of the resumable create) write them; Factorial drops
them with a warning naming each key."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import httpx
import pytest
import requests
from django.test import Client
from kombo import Kombo

from apps.applications.models import IdempotencyKey
from apps.attribution.services import source_mapping_check
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.factorial.emulator import DEFAULT_API_KEY as FACTORIAL_KEY
from apps.connectors.factorial.emulator import create_app as factorial_app
from apps.connectors.registry import CONNECTORS, get_connector_class
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY as SR_KEY
from apps.connectors.smartrecruiters.emulator import create_app as smartrecruiters_app
from apps.integrations.field_models import CustomField, IntegrationField
from apps.integrations.field_services import custom_field_create, custom_field_map, integration_fields_refresh
from apps.integrations.models import ApiKey, Environment, Integration, SyncRun
from apps.integrations.sync import RunOutcome, sync_run_execute, sync_run_request
from apps.integrations.tool_catalog import CUSTOM_FIELDS_DROPPED, CUSTOM_FIELDS_WRITTEN
from tests.applications.test_write_resume import SR_SEED, Failed, Vendor, _attempt, _integration
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


# -- SmartRecruiters: candidate properties, per application ----------------------------------------------------

# The candidate properties of the SmartRecruiters emulator's seed (emulator/fields.py; tests/integrations/
# fields_support.py): "Salary expectation" (CURRENCY) and "Notice period" (SINGLE_SELECT).
SR_SALARY = "5f3c1a2e-7b44-4d1e-9a0c-1b2c3d4e5f01"
SR_NOTICE = "5f3c1a2e-7b44-4d1e-9a0c-1b2c3d4e5f02"
PROPERTIES_PATH = "/candidates/*/jobs/*/properties"


def _map(integration: Integration, key: str, model: str, remote_key: str) -> CustomField:
    custom_field = custom_field_create(environment=integration.environment, model=model, key=key)
    target = IntegrationField.objects.get(integration=integration, model=model, key=remote_key)
    custom_field_map(integration=integration, custom_field=custom_field, integration_field_id=target.id)
    return custom_field


@pytest.fixture
def smartrecruiters(environment: Environment) -> Iterator[Vendor]:
    """The emulator with our source set up; `salary` and `notice` mapped to its two candidate properties, `rating`
    to a standard candidate field (SmartRecruiters cannot take that one on create)."""
    with LoopbackServer(smartrecruiters_app(seed=SR_SEED, limits_enabled=False)) as server:
        vendor = Vendor("smartrecruiters", server.url, _integration(environment, "smartrecruiters", server.url, SR_KEY))
        vendor.control("POST", "/sources", json={"label": "Acme Jobs", "type": "paid", "subtype": "job_board"})
        assert source_mapping_check(integration=vendor.integration).status == "CONFIGURED"
        integration_fields_refresh(integration=vendor.integration)
        _map(vendor.integration, "salary", "ats_applications", SR_SALARY)
        _map(vendor.integration, "notice", "ats_applications", SR_NOTICE)
        _map(vendor.integration, "rating", "ats_candidates", "averageRating")
        yield vendor


class _WithCustomFields(httpx.Client):
    """The SDK's HTTP client, adding Tributary's `custom_fields` extension to its create bodies (the SDK's typed
    models do not know the extension; everything else is the SDK's own request)."""

    def __init__(self, custom_fields: dict[str, Any]) -> None:
        super().__init__(follow_redirects=True)
        self.custom_fields = custom_fields

    def build_request(self, method: str, url: Any, **kwargs: Any) -> httpx.Request:
        if method == "POST" and kwargs.get("content"):
            body = json.loads(kwargs["content"])
            kwargs["content"] = json.dumps({**body, "custom_fields": self.custom_fields}).encode()
        return super().build_request(method, url, **kwargs)


def _sdk(api_base_url: str, api_key: ApiKey, vendor: Vendor, custom_fields: dict[str, Any]) -> Kombo:
    return Kombo(
        api_key=api_key.raw_key, integration_id=vendor.integration.id, server_url=api_base_url,
        client=_WithCustomFields(custom_fields),
    )  # fmt: skip


def _sdk_create(kombo: Kombo, vendor: Vendor, email: str, key: str, **extra: Any) -> Any:
    job = vendor.open_job()
    return kombo.ats.create_application(
        job_id=job.id, screening_question_answers=required_answers(job),
        candidate={"first_name": "Ada", "last_name": "Lovelace", "email_address": email},
        http_headers={"Idempotency-Key": key}, **extra,
    )  # fmt: skip


def _application_state(vendor: Vendor, email: str) -> dict[str, Any]:
    """The one application of the candidate with this email, as the emulator holds it."""
    state = vendor.control("GET", "/state")
    ids = {c["id"] for c in state["candidates"] if c["email"] == email}
    [found] = [a for a in state["applications"] if a["candidateId"] in ids]
    return found


def _count_properties_puts(vendor: Vendor) -> None:
    """Counts the emulator's `PUT …/properties` requests from now on (a fault that only counts: no latency)."""
    vendor.fault(kind="latency", latency=0, count=None, method="PUT", path=PROPERTIES_PATH)


def _properties_puts(vendor: Vendor) -> int:
    faults = vendor.control("GET", "/faults")["faults"]
    [counter] = [f for f in faults if f["kind"] == "latency" and f["path"] == PROPERTIES_PATH]
    return int(counter["hits"])


WARNING_RATING = (
    "custom_fields: SmartRecruiters takes values only for its candidate properties (custom fields of applications); "
    "not written (rating)."
)


@pytest.mark.django_db(transaction=True)
def test_smartrecruiters_writes_mapped_values_to_candidate_properties_and_reads_them_back(
    smartrecruiters: Vendor, api_base_url: str, api_key: ApiKey
) -> None:
    kombo = _sdk(api_base_url, api_key, smartrecruiters, {"salary": 90000, "notice": "3 months", "rating": 4})
    _count_properties_puts(smartrecruiters)

    created = _sdk_create(kombo, smartrecruiters, "ada@example.com", "cf-1")

    assert [warning.message for warning in created.warnings] == [WARNING_RATING]
    assert _application_state(smartrecruiters, "ada@example.com")["properties"] == {
        SR_SALARY: 90000,
        SR_NOTICE: "3 months",
    }
    assert _properties_puts(smartrecruiters) == 1

    run, _ = sync_run_request(
        integration=smartrecruiters.integration, type=SyncRun.Type.FULL, trigger=SyncRun.Trigger.COMMAND
    )
    assert sync_run_execute(run_id=run.id, time_budget=float("inf")) == RunOutcome.SUCCEEDED
    listed = kombo.ats.get_applications(ids=[created.data.id])
    # the environment's mapped keys, beside the application's own properties by label (as jobs and offers show theirs)
    assert [item.custom_fields for item in listed.result.data.results] == [
        {"salary": 90000, "notice": "3 months", "Salary expectation": 90000, "Notice period": "3 months"}
    ]


# The first request fails after the application exists, each time it is tried (the fault holds through it), so it
# answers an error naming what exists; then the ATS recovers and the client retries with the same key.
AFTER_PROPERTIES = {
    "the stage after the properties answers 429": {
        "method": "PUT", "path": "/candidates/*/jobs/*/status", "status": 429, "retryAfter": 0,
    },
    "the properties answer 503": {"method": "PUT", "path": PROPERTIES_PATH, "status": 503, "retryAfter": 0},
}  # fmt: skip


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fault", AFTER_PROPERTIES.values(), ids=AFTER_PROPERTIES.keys())
def test_a_resumed_create_writes_the_properties_exactly_once(
    smartrecruiters: Vendor, api_base_url: str, api_key: ApiKey, fault: dict[str, Any]
) -> None:
    kombo = _sdk(api_base_url, api_key, smartrecruiters, {"salary": 75000})
    stage = "remote:INTERVIEW:1st interview"
    _count_properties_puts(smartrecruiters)
    smartrecruiters.fault(count=None, **fault)

    first = _attempt(lambda: _sdk_create(kombo, smartrecruiters, "ada@example.com", "cf-2", stage_id=stage))

    assert isinstance(first, Failed)
    assert set(first.remote_ids) == {"application", "candidate"}
    assert IdempotencyKey.objects.get(key="cf-2").status == "UNCERTAIN"
    properties_failed = fault["path"] == PROPERTIES_PATH
    if not properties_failed:
        # written once, before the stage failed
        assert _properties_puts(smartrecruiters) == 1
        assert _application_state(smartrecruiters, "ada@example.com")["properties"] == {SR_SALARY: 75000}
    else:
        assert _application_state(smartrecruiters, "ada@example.com")["properties"] == {}
    smartrecruiters.heal()
    _count_properties_puts(smartrecruiters)

    retried = _sdk_create(kombo, smartrecruiters, "ada@example.com", "cf-2", stage_id=stage)

    # the retry sends the PUT only when it was not confirmed before
    assert _properties_puts(smartrecruiters) == (1 if properties_failed else 0)
    stored = _application_state(smartrecruiters, "ada@example.com")
    assert stored["properties"] == {SR_SALARY: 75000}
    assert (stored["status"], stored["subStatus"]) == ("INTERVIEW", "1st interview")
    assert smartrecruiters.applications_of("ada@example.com") == 1
    assert retried.data.remote_id == first.remote_ids["application"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("custom_fields", "message"),
    [
        (
            {"salary": "90k"},
            "custom_fields.salary: SmartRecruiters' property “Salary expectation” (CURRENCY) takes a number; "
            'got "90k".',
        ),
        (
            {"salary": 1, "notice": ""},
            "custom_fields.notice: SmartRecruiters' property “Notice period” (SINGLE_SELECT) takes a non-empty "
            'string; got "".',
        ),
    ],
    ids=["text for a currency", "empty select"],
)
def test_a_value_that_does_not_fit_its_property_is_a_400_naming_the_key_and_nothing_is_created(
    smartrecruiters: Vendor, api_base_url: str, api_key: ApiKey, custom_fields: dict[str, Any], message: str
) -> None:
    job = smartrecruiters.open_job()
    response = _post(api_base_url, api_key, smartrecruiters.integration, f"/ats/jobs/{job.id}/applications", {
        "candidate": candidate("kate@example.com"), "screening_question_answers": required_answers(job),
        "custom_fields": custom_fields,
    })  # fmt: skip

    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("REMOTE.INPUT_INVALID", message)
    assert smartrecruiters.applications_of("kate@example.com") == 0


@pytest.mark.django_db(transaction=True)
def test_the_emulator_refuses_unknown_properties_and_wrong_kinds_and_stores_nothing_of_that_body(
    smartrecruiters: Vendor,
) -> None:
    application = smartrecruiters.control("GET", "/state")["applications"][0]
    url = f"{smartrecruiters.url}/candidates/{application['candidateId']}/jobs/{application['jobId']}/properties"
    headers = {"X-SmartToken": SR_KEY}

    def put(body: Any) -> requests.Response:
        return requests.put(url, json=body, headers=headers, timeout=10)

    unknown = put([{"id": SR_SALARY, "value": 1}, {"id": "nope", "value": "x"}])
    wrong = put([{"id": SR_SALARY, "value": "a lot"}])
    assert (unknown.status_code, unknown.json()["errors"][0]["message"]) == (
        400, "[1].id: candidate property with id nope not found",
    )  # fmt: skip
    assert (wrong.status_code, wrong.json()["errors"][0]["message"]) == (
        400, f"[0].value: candidate property {SR_SALARY} (CURRENCY) takes a number",
    )  # fmt: skip
    assert requests.get(url, headers=headers, timeout=10).json() == {"totalFound": 0, "content": []}

    assert put([{"id": SR_NOTICE, "value": "1 month"}]).status_code == 204
    assert requests.get(url, headers=headers, timeout=10).json() == {
        "totalFound": 1,
        "content": [{"id": SR_NOTICE, "label": "Notice period", "type": "SINGLE_SELECT", "value": "1 month"}],
    }


# -- Factorial: no documented way to write custom field values --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_factorial_creates_and_says_which_keys_it_dropped(
    environment: Environment, api_base_url: str, api_key: ApiKey
) -> None:
    with LoopbackServer(factorial_app(limits_enabled=False)) as server:
        vendor = Vendor("factorial", server.url, _integration(environment, "factorial", server.url, FACTORIAL_KEY))
        integration_fields_refresh(integration=vendor.integration)
        _map(vendor.integration, "salary", "ats_candidates", "1")
        _map(vendor.integration, "notice", "ats_candidates", "2")
        job = vendor.open_job()

        response = _post(api_base_url, api_key, vendor.integration, f"/ats/jobs/{job.id}/applications", {
            "candidate": candidate("ada@example.com"), "screening_question_answers": required_answers(job),
            "custom_fields": {"salary": "90k", "notice": "3 months"},
        })  # fmt: skip

        assert response.status_code == 200, response.text
        dropped = (
            "custom_fields: Factorial takes no custom field values through Tributary yet; not written (notice, salary)."
        )
        assert dropped in [warning["message"] for warning in response.json()["warnings"]]
        assert vendor.applications_of("ada@example.com") == 1


# -- the connector pages say which tools write them ---------------------------------------------------------------


def _page_text(html: str) -> str:
    """The page's text: tags removed, entities decoded, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


@pytest.mark.django_db
@pytest.mark.parametrize("tool", sorted(CONNECTORS))
def test_each_connector_page_says_whether_create_writes_custom_fields(client: Client, tool: str) -> None:
    text = _page_text(client.get(f"/docs/connectors/{tool}/").content.decode())

    takes = get_connector_class(tool).takes_custom_fields
    assert takes == (tool in ("sandbox", "smartrecruiters", "greenhouse", "ashby"))
    said, other = (
        (CUSTOM_FIELDS_WRITTEN, CUSTOM_FIELDS_DROPPED) if takes else (CUSTOM_FIELDS_DROPPED, CUSTOM_FIELDS_WRITTEN)
    )
    # in the features table and under the create action(s)
    assert text.count(said.replace("`", "")) >= 2
    assert text.count(other.replace("`", "")) == 0
