"""Ashby: a create's `custom_fields` (Tributary's extension) mapped to the organisation's candidate / application
custom fields are checked against the field's type first, then written with `customField.setValue` once the
application exists, a step an interrupted create resumes; the emulator validates and stores them, and the read API
shows them after a sync. Through the official SDK against a live server and the emulator on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from kombo import Kombo, errors

from apps.applications.models import IdempotencyKey, Job
from apps.applications.writes.common import write_connector
from apps.applications.writes.services import job_for_write
from apps.attribution.services import source_mapping_check
from apps.connectors.ashby.custom_fields import WARNING_KEPT, WARNING_NOT_CUSTOM
from apps.connectors.ashby.emulator import DEFAULT_API_KEY, create_app
from apps.connectors.catalog import AuthKind, WriteAction
from apps.connectors.emulation.server import LoopbackServer
from apps.integrations.field_models import CustomField, IntegrationField
from apps.integrations.field_services import custom_field_create, custom_field_map, integration_fields_refresh
from apps.integrations.models import ApiKey, Environment, Integration, SyncRun
from apps.integrations.services import integration_create
from apps.integrations.sync import RunOutcome, sync_run_execute, sync_run_request
from tests.applications.test_write_custom_fields import _sdk
from tests.applications.writing import required_answers

# The emulator's seeded custom fields (emulator/custom_fields.py).
SALARY, PERMIT = "cf000001-0000-4000-8000-000000000001", "cf000002-0000-4000-8000-000000000002"  # Candidate
CHANNEL, START = "cf000003-0000-4000-8000-000000000003", "cf000004-0000-4000-8000-000000000004"  # Application
MAPPED = (
    ("salary", "ats_candidates", SALARY), ("permit", "ats_candidates", PERMIT),
    ("channel", "ats_applications", CHANNEL), ("start", "ats_applications", START),
    ("employer", "ats_candidates", "company"),  # a standard field: Ashby takes no custom value for it
)  # fmt: skip
VALUES = {"salary": 90000, "permit": True, "channel": "Employee", "start": "2025-04-01"}
CANDIDATE_STORED = [  # set in the order of the request's keys
    {"id": PERMIT, "title": "Work Permit", "value": True, "isPrivate": False},
    {"id": SALARY, "title": "Desired Salary", "value": 90000, "isPrivate": False},
]
APPLICATION_STORED = [
    {"id": CHANNEL, "title": "Referral Channel", "value": "Employee", "isPrivate": False},
    {"id": START, "title": "Earliest Start", "value": "2025-04-01", "isPrivate": False},
]
SET_VALUE = "/customField.setValue"


class Ashby:
    def __init__(self, url: str, integration: Integration) -> None:
        self.url, self.integration = url, integration

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()

    def call(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        return requests.post(f"{self.url}/{operation}", json=body, auth=(DEFAULT_API_KEY, ""), timeout=10).json()

    def count_set_values(self) -> None:
        """Counts `customField.setValue` requests from now on (a fault that only counts: no latency)."""
        self.control("POST", "/faults", json={"kind": "latency", "latency": 0, "count": None, "path": SET_VALUE})

    def set_values(self) -> int:
        [counter] = [f for f in self.control("GET", "/faults")["faults"] if f["kind"] == "latency"]
        return int(counter["hits"])

    def records_of(self, email: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        state = self.control("GET", "/state")
        people = [c for c in state["candidates"] if any(e["value"] == email for e in c["emailAddresses"])]
        ids = {c["id"] for c in people}
        return people, [a for a in state["applications"] if a["candidate"]["id"] in ids]

    def open_job(self) -> Job:
        found = next(j for j in self.control("GET", "/state")["jobs"] if j["status"] == "Open")
        connector = write_connector(self.integration, WriteAction.CREATE_APPLICATION)
        return job_for_write(
            integration=self.integration, connector=connector, job_id=f"remote:{found['id']}", field="job_id"
        )


@pytest.fixture
def ashby(environment: Environment) -> Iterator[Ashby]:
    """The emulator with our source set up and the fields above mapped; `unmapped` defined but not mapped."""
    with LoopbackServer(create_app(limits_enabled=False)) as server:
        integration = integration_create(
            environment=environment, tool="ashby", end_user_organization_name="Acme Corp",
            auth_kind=AuthKind.API_KEY, credentials={"api_key": DEFAULT_API_KEY}, base_url=server.url,
            setup_status=Integration.SetupStatus.COMPLETED,
        )  # fmt: skip
        vendor = Ashby(server.url, integration)
        vendor.control("POST", "/sources", json={"title": "Acme Jobs"})
        assert source_mapping_check(integration=integration).status == "CONFIGURED"
        integration_fields_refresh(integration=integration)
        for key, model, remote_key in MAPPED:
            custom_field = custom_field_create(environment=environment, model=model, key=key)
            target = IntegrationField.objects.get(integration=integration, model=model, key=remote_key)
            custom_field_map(integration=integration, custom_field=custom_field, integration_field_id=target.id)
        custom_field_create(environment=environment, model="ats_applications", key="unmapped")
        yield vendor


def _create(kombo: Kombo, job: Job, email: str, key: str | None = None, **extra: Any) -> Any:
    return kombo.ats.create_application(
        job_id=job.id, screening_question_answers=required_answers(job),
        candidate={"first_name": "Ada", "last_name": "Lovelace", "email_address": email},
        http_headers={"Idempotency-Key": key} if key else None, **extra,
    )  # fmt: skip


def _custom_warnings(created: Any) -> list[str]:
    return [w.message for w in created.warnings if w.message.startswith("custom_fields")]


@pytest.mark.django_db(transaction=True)
def test_mapped_values_are_set_after_the_create_and_read_back(ashby: Ashby, api_base_url: str, api_key: ApiKey) -> None:
    kombo = _sdk(api_base_url, api_key, ashby, {**VALUES, "employer": "Acme"})
    ashby.count_set_values()

    created = _create(kombo, ashby.open_job(), "ada@example.com")

    assert _custom_warnings(created) == [WARNING_NOT_CUSTOM.format(keys="employer")]
    [person], [application] = ashby.records_of("ada@example.com")
    assert (person["customFields"], application["customFields"]) == (CANDIDATE_STORED, APPLICATION_STORED)
    assert ashby.set_values() == 4
    run, _ = sync_run_request(integration=ashby.integration, type=SyncRun.Type.FULL, trigger=SyncRun.Trigger.COMMAND)
    assert sync_run_execute(run_id=run.id, time_budget=float("inf")) == RunOutcome.SUCCEEDED
    [read] = kombo.ats.get_applications(ids=[created.data.id]).result.data.results
    # the environment's mapped keys beside the record's own custom fields by title
    assert read.custom_fields == {
        "channel": "Employee", "start": "2025-04-01", "Referral Channel": "Employee", "Earliest Start": "2025-04-01",
    }  # fmt: skip
    [candidate] = kombo.ats.get_candidates(ids=[created.data.candidate.id]).result.data.results
    assert candidate.custom_fields == {
        "salary": 90000, "permit": True, "employer": None, "Desired Salary": 90000, "Work Permit": True,
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_an_existing_candidate_keeps_the_values_it_holds(ashby: Ashby, api_base_url: str, api_key: ApiKey) -> None:
    made = ashby.call("candidate.create", {"name": "Ada Lovelace", "email": "ada@example.com"})["results"]
    ashby.call("customField.setValue", {
        "objectType": "Candidate", "objectId": made["id"], "fieldId": SALARY, "fieldValue": 70000,
    })  # fmt: skip
    kombo = _sdk(api_base_url, api_key, ashby, {"salary": 90000, "permit": True})

    created = _create(kombo, ashby.open_job(), "ada@example.com")

    assert _custom_warnings(created) == [WARNING_KEPT.format(keys="salary")]
    [person], _ = ashby.records_of("ada@example.com")
    assert [(item["id"], item["value"]) for item in person["customFields"]] == [(SALARY, 70000), (PERMIT, True)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("custom_fields", "message"),
    [
        (
            {"salary": "90k"},
            'custom_fields.salary: Ashby\'s custom field “Desired Salary” (Number) takes a number; got "90k".',
        ),
        (
            {"permit": "yes"},
            'custom_fields.permit: Ashby\'s custom field “Work Permit” (Boolean) takes true or false; got "yes".',
        ),
        (
            {"channel": "Radio"},
            "custom_fields.channel: Ashby's custom field “Referral Channel” (ValueSelect) takes one of “Event”, "
            '“Employee”, “Online”; got "Radio".',
        ),
    ],
    ids=["text for a number", "text for a boolean", "a value Ashby does not offer"],
)
def test_a_value_that_does_not_fit_its_field_is_a_400_naming_the_key_and_nothing_is_created(
    ashby: Ashby, api_base_url: str, api_key: ApiKey, custom_fields: dict[str, Any], message: str
) -> None:
    before = ashby.control("GET", "/state")["counts"]
    kombo = _sdk(api_base_url, api_key, ashby, custom_fields)

    with pytest.raises(errors.KomboAtsError) as raised:
        _create(kombo, ashby.open_job(), "kate@example.com")

    error = json.loads(raised.value.body)["error"]
    assert (raised.value.status_code, error["code"], error["message"]) == (400, "REMOTE.INPUT_INVALID", message)
    assert ashby.control("GET", "/state")["counts"] == before


@pytest.mark.django_db(transaction=True)
def test_an_unmapped_key_is_a_400_naming_it_and_nothing_is_created(
    ashby: Ashby, api_base_url: str, api_key: ApiKey
) -> None:
    unmapped = CustomField.objects.get(environment=ashby.integration.environment, key="unmapped")
    before = ashby.control("GET", "/state")["counts"]
    kombo = _sdk(api_base_url, api_key, ashby, {"salary": 1, "unmapped": "x"})

    with pytest.raises(errors.KomboAtsError) as raised:
        _create(kombo, ashby.open_job(), "kate@example.com")

    error = json.loads(raised.value.body)["error"]
    assert (raised.value.status_code, error["code"], error["message"]) == (
        400, "PLATFORM.INPUT_INVALID",
        "custom_fields.unmapped: the custom field is not mapped to a field of this integration "
        f"(PUT /v1/integrations/{ashby.integration.id}/custom-fields/{unmapped.id}).",
    )  # fmt: skip
    assert ashby.control("GET", "/state")["counts"] == before


# `customField.setValue` answers 503 from the `skip`+1st call on, for the whole first request (after the application
# exists); then Ashby recovers and the client retries with the same key. (skip, what the application holds after the
# first request: the values are set in the order of the request's keys, `channel` first; setValue calls the retry
# sends)
INTERRUPTIONS = {
    "every value answers 503": (0, [], 4),
    "the values after the first answer 503": (1, APPLICATION_STORED[:1], 3),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("skip", "first", "retried_sets"), INTERRUPTIONS.values(), ids=INTERRUPTIONS.keys())
def test_an_interrupted_create_resumes_and_writes_each_value_once(
    ashby: Ashby, api_base_url: str, api_key: ApiKey, skip: int, first: list[dict[str, Any]], retried_sets: int
) -> None:
    kombo = _sdk(api_base_url, api_key, ashby, VALUES)
    job = ashby.open_job()
    ashby.control("POST", "/faults", json={
        "count": None, "skip": skip, "path": SET_VALUE, "status": 503, "retryAfter": 0,
    })  # fmt: skip

    with pytest.raises(errors.KomboAtsError) as raised:
        _create(kombo, job, "ada@example.com", "ab-cf-1")

    remote_ids = json.loads(raised.value.body)["error"]["remote_ids"]
    assert set(remote_ids) == {"application", "candidate"}
    assert IdempotencyKey.objects.get(key="ab-cf-1").status == "UNCERTAIN"
    [person], [application] = ashby.records_of("ada@example.com")
    assert (person["customFields"], application["customFields"]) == ([], first)
    ashby.control("DELETE", "/faults")  # Ashby recovers
    ashby.count_set_values()

    retried = _create(kombo, job, "ada@example.com", "ab-cf-1")

    assert retried.data.remote_id == remote_ids["application"]
    assert ashby.set_values() == retried_sets  # only the values the first request had not set
    [person], [application] = ashby.records_of("ada@example.com")
    assert (person["customFields"], application["customFields"]) == (CANDIDATE_STORED, APPLICATION_STORED)


@pytest.mark.django_db(transaction=True)
def test_the_emulator_refuses_unknown_fields_wrong_types_and_objects_and_stores_nothing(ashby: Ashby) -> None:
    state = ashby.control("GET", "/state")
    candidate_id, application_id = state["candidates"][0]["id"], state["applications"][0]["id"]

    def refused(body: dict[str, Any]) -> tuple[str, str]:
        answer = ashby.call("customField.setValue", body)
        assert answer["success"] is False
        return answer["errorInfo"]["code"], answer["errorInfo"]["message"]

    on_candidate = {"objectType": "Candidate", "objectId": candidate_id}
    assert refused({**on_candidate, "fieldId": "nope", "fieldValue": 1}) == (
        "custom_field_not_found", "Custom field not found: nope",
    )  # fmt: skip
    assert refused({**on_candidate, "fieldId": SALARY, "fieldValue": "a lot"}) == (
        "invalid_input", "fieldValue is not a valid Number for Desired Salary",
    )  # fmt: skip
    assert refused({**on_candidate, "fieldId": CHANNEL, "fieldValue": "Event"}) == (
        "invalid_input", "Referral Channel is a custom field of Application",
    )  # fmt: skip
    on_application = {"objectType": "Application", "objectId": application_id, "fieldId": CHANNEL}
    assert refused({**on_application, "fieldValue": "Radio"}) == (
        "invalid_input", "fieldValue is not a valid ValueSelect for Referral Channel",
    )  # fmt: skip
    after = ashby.control("GET", "/state")
    assert [c["customFields"] for c in after["candidates"]] == [c["customFields"] for c in state["candidates"]]
    assert [a["customFields"] for a in after["applications"]] == [a["customFields"] for a in state["applications"]]

    assert ashby.call("customField.setValue", {**on_application, "fieldValue": "Event"})["results"] == {
        "id": CHANNEL, "title": "Referral Channel", "value": "Event", "isPrivate": False,
    }  # fmt: skip
    info = ashby.call("application.info", {"applicationId": application_id})["results"]
    assert info["customFields"] == [{"id": CHANNEL, "title": "Referral Channel", "value": "Event", "isPrivate": False}]
