"""Greenhouse: a create's `custom_fields` (Tributary's extension) mapped to the company's candidate / application
custom fields travel in `POST /v3/candidates` / `POST /v3/applications` themselves, checked against the field's type
and options first; the emulator validates and stores them, and the read API shows them after a sync. Through the
official SDK against a live server and the emulator on loopback."""

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
from apps.connectors.catalog import AuthKind, RateBudget, WriteAction
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.greenhouse.connector import GreenhouseConnector
from apps.connectors.greenhouse.custom_fields import WARNING_KEPT, WARNING_NOT_CUSTOM
from apps.connectors.greenhouse.emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, create_app
from apps.integrations.field_models import CustomField, IntegrationField
from apps.integrations.field_services import custom_field_create, custom_field_map, integration_fields_refresh
from apps.integrations.models import ApiKey, Environment, Integration, SyncRun
from apps.integrations.services import integration_create
from apps.integrations.sync import RunOutcome, sync_run_execute, sync_run_request
from tests.applications.test_write_custom_fields import _sdk
from tests.applications.writing import b64, required_answers
from tests.connectors.greenhouse.harness import CREDENTIALS, UNPACED_RATE

# The emulator's seeded custom fields (emulator/custom_fields.py): candidate 5001 "Desired Salary" (number), 5002
# "Work Remotely" (yes_no); application 5003 "Referral Channel" (single_select: Event, Employee, Online), 5004
# "Earliest Start" (date).
MAPPED = (
    ("salary", "ats_candidates", "5001"), ("remote", "ats_candidates", "5002"),
    ("channel", "ats_applications", "5003"), ("start", "ats_applications", "5004"),
    ("employer", "ats_candidates", "company"),  # a standard field: Greenhouse takes no custom value for it
)  # fmt: skip
VALUES = {"salary": 90000, "remote": True, "channel": "Employee", "start": "2025-04-01"}
CANDIDATE_STORED = {
    "desired_salary": {"name": "Desired Salary", "type": "number", "value": 90000},
    "work_remotely": {"name": "Work Remotely", "type": "boolean", "value": True},
}
APPLICATION_STORED = {
    "referral_channel": {"name": "Referral Channel", "type": "single_select", "value": "Employee"},
    "earliest_start": {"name": "Earliest Start", "type": "date", "value": "2025-04-01"},
}


class Greenhouse:
    def __init__(self, url: str, integration: Integration) -> None:
        self.url, self.integration = url, integration

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.url}/_emulator{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()

    def fault(self, **fault: Any) -> None:
        self.control("POST", "/faults", json=fault)

    def hits(self, method: str, path: str) -> int:
        """Requests counted by the latency-0 counter set on `method path` (`count_requests`)."""
        faults = self.control("GET", "/faults")["faults"]
        [counter] = [f for f in faults if f["kind"] == "latency" and (f["method"], f["path"]) == (method, path)]
        return int(counter["hits"])

    def count_requests(self, method: str, path: str) -> None:
        self.fault(kind="latency", latency=0, count=None, method=method, path=path)

    def records_of(self, email: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The candidates with this email and their applications, as the emulator holds them."""
        state = self.control("GET", "/state")
        people = [c for c in state["candidates"] if any(e["value"] == email for e in c["email_addresses"])]
        ids = {c["id"] for c in people}
        return people, [a for a in state["applications"] if a["candidate_id"] in ids]

    def open_job(self) -> Job:
        state = self.control("GET", "/state")
        found = next(j for j in state["jobs"] if j["status"] == "open")
        connector = write_connector(self.integration, WriteAction.CREATE_APPLICATION)
        return job_for_write(
            integration=self.integration, connector=connector, job_id=f"remote:{found['id']}", field="job_id"
        )


@pytest.fixture
def greenhouse(environment: Environment, monkeypatch: pytest.MonkeyPatch) -> Iterator[Greenhouse]:
    """The emulator with our source set up and the fields above mapped; `unmapped` defined but not mapped."""
    monkeypatch.setattr(GreenhouseConnector, "rate_budget", RateBudget(requests_per_second=100, max_concurrency=4))
    with LoopbackServer(create_app(rate=UNPACED_RATE)) as server:
        integration = integration_create(
            environment=environment, tool="greenhouse", end_user_organization_name="Acme Corp",
            auth_kind=AuthKind.OAUTH2_CLIENT_CREDENTIALS, credentials=dict(CREDENTIALS), base_url=server.url,
            setup_status=Integration.SetupStatus.COMPLETED,
        )  # fmt: skip
        vendor = Greenhouse(server.url, integration)
        requests.post(f"{server.url}/_emulator/sources", json={"name": "Acme Jobs"}, timeout=10).raise_for_status()
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


def _sync(integration: Integration) -> None:
    run, _ = sync_run_request(integration=integration, type=SyncRun.Type.FULL, trigger=SyncRun.Trigger.COMMAND)
    assert sync_run_execute(run_id=run.id, time_budget=float("inf")) == RunOutcome.SUCCEEDED


@pytest.mark.django_db(transaction=True)
def test_mapped_values_are_written_with_the_create_and_read_back(
    greenhouse: Greenhouse, api_base_url: str, api_key: ApiKey
) -> None:
    kombo = _sdk(api_base_url, api_key, greenhouse, {**VALUES, "employer": "Acme"})
    start = IntegrationField.objects.get(integration=greenhouse.integration, model="ats_applications", key="5004")
    kombo.general.update_integration_field(
        integration_id=greenhouse.integration.id, integration_field_id=start.id, enable_passthrough=True
    )

    created = _create(kombo, greenhouse.open_job(), "ada@example.com")

    assert _custom_warnings(created) == [WARNING_NOT_CUSTOM.format(keys="employer")]
    [person], [application] = greenhouse.records_of("ada@example.com")
    assert (person["custom_fields"], application["custom_fields"]) == (CANDIDATE_STORED, APPLICATION_STORED)
    _sync(greenhouse.integration)
    [read] = kombo.ats.get_applications(ids=[created.data.id]).result.data.results
    # the environment's mapped keys beside the record's own custom fields by name_key
    assert read.custom_fields == {
        "channel": "Employee", "start": "2025-04-01", "referral_channel": "Employee", "earliest_start": "2025-04-01",
    }  # fmt: skip
    # the raw value of the field with passthrough on (our extension: the SDK's models do not parse it)
    headers = {"Authorization": f"Bearer {api_key.raw_key}", "X-Integration-Id": greenhouse.integration.id}
    [raw] = requests.get(
        f"{api_base_url}/ats/applications", params={"ids": created.data.id}, headers=headers, timeout=30
    ).json()["data"]["results"]
    assert raw["integration_fields"] == [
        {"id": start.id, "key": "5004", "type": "CUSTOM", "value": "2025-04-01", "label": "Earliest Start"}
    ]
    [candidate] = kombo.ats.get_candidates(ids=[created.data.candidate.id]).result.data.results
    assert candidate.custom_fields == {
        "salary": 90000, "remote": True, "employer": None, "desired_salary": 90000, "work_remotely": True,
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_an_existing_candidate_keeps_its_fields_and_the_warning_names_them(
    greenhouse: Greenhouse, api_base_url: str, api_key: ApiKey
) -> None:
    token = requests.post(
        f"{greenhouse.url}/token", data={"grant_type": "client_credentials", "sub": "1001"},
        auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET), timeout=10,
    ).json()["access_token"]  # fmt: skip
    requests.post(f"{greenhouse.url}/v3/candidates", headers={"Authorization": f"Bearer {token}"}, json={
        "first_name": "Ada", "last_name": "Lovelace", "email_addresses": [{"value": "ada@example.com"}],
        "custom_fields": [{"id": 5001, "value": 70000}, {"id": 5002, "value": True}],
    }, timeout=10).raise_for_status()  # fmt: skip
    kombo = _sdk(api_base_url, api_key, greenhouse, VALUES)

    created = _create(kombo, greenhouse.open_job(), "ada@example.com")

    assert _custom_warnings(created) == [WARNING_KEPT.format(keys="salary")]  # `remote` holds the value already
    [person], [application] = greenhouse.records_of("ada@example.com")
    assert person["custom_fields"]["desired_salary"]["value"] == 70000
    assert application["custom_fields"] == APPLICATION_STORED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("custom_fields", "message"),
    [
        (
            {"salary": "90k"},
            'custom_fields.salary: Greenhouse\'s custom field “Desired Salary” (number) takes a number; got "90k".',
        ),
        (
            {"salary": 1, "channel": "Radio"},
            "custom_fields.channel: Greenhouse's custom field “Referral Channel” (single_select) takes one of "
            '“Event”, “Employee”, “Online”; got "Radio".',
        ),
        (
            {"start": "1 April"},
            "custom_fields.start: Greenhouse's custom field “Earliest Start” (date) takes a date (YYYY-MM-DD); "
            'got "1 April".',
        ),
    ],
    ids=["text for a number", "an option Greenhouse does not have", "not a date"],
)
def test_a_value_that_does_not_fit_its_field_is_a_400_naming_the_key_and_nothing_is_created(
    greenhouse: Greenhouse, api_base_url: str, api_key: ApiKey, custom_fields: dict[str, Any], message: str
) -> None:
    before = len(greenhouse.control("GET", "/state")["candidates"])
    kombo = _sdk(api_base_url, api_key, greenhouse, custom_fields)

    with pytest.raises(errors.KomboAtsError) as raised:
        _create(kombo, greenhouse.open_job(), "kate@example.com")

    assert raised.value.status_code == 400
    error = json.loads(raised.value.body)["error"]
    assert (error["code"], error["message"]) == ("REMOTE.INPUT_INVALID", message)
    assert len(greenhouse.control("GET", "/state")["candidates"]) == before
    assert greenhouse.records_of("kate@example.com") == ([], [])


@pytest.mark.django_db(transaction=True)
def test_an_unmapped_key_is_a_400_naming_it_and_nothing_is_created(
    greenhouse: Greenhouse, api_base_url: str, api_key: ApiKey
) -> None:
    unmapped = CustomField.objects.get(environment=greenhouse.integration.environment, key="unmapped")
    kombo = _sdk(api_base_url, api_key, greenhouse, {"salary": 1, "unmapped": "x"})

    with pytest.raises(errors.KomboAtsError) as raised:
        _create(kombo, greenhouse.open_job(), "kate@example.com")

    error = json.loads(raised.value.body)["error"]
    assert (raised.value.status_code, error["code"], error["message"]) == (
        400, "PLATFORM.INPUT_INVALID",
        "custom_fields.unmapped: the custom field is not mapped to a field of this integration "
        f"(PUT /v1/integrations/{greenhouse.integration.id}/custom-fields/{unmapped.id}).",
    )  # fmt: skip
    assert greenhouse.records_of("kate@example.com") == ([], [])


# The first request fails each time it is tried (the fault holds through it); then Greenhouse recovers and the client
# retries with the same key. (path, POST /v3/applications requests in all)
INTERRUPTIONS = {
    "the CV upload after the application answers 503": ("/v3/attachments", 1),
    "the application after the candidate answers 503": ("/v3/applications", 2),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("path", "application_posts"), INTERRUPTIONS.values(), ids=INTERRUPTIONS.keys())
def test_an_interrupted_create_resumes_and_writes_the_fields_once(
    greenhouse: Greenhouse, api_base_url: str, api_key: ApiKey, path: str, application_posts: int
) -> None:
    kombo = _sdk(api_base_url, api_key, greenhouse, VALUES)
    cv = [{"name": "ada-cv.pdf", "type": "CV", "data": b64(b"%PDF-1.4 Ada"), "content_type": "application/pdf"}]
    job = greenhouse.open_job()
    greenhouse.count_requests("POST", "/v3/candidates")
    greenhouse.count_requests("POST", "/v3/applications")
    greenhouse.fault(count=None, method="POST", path=path, status=503, retryAfter=0)

    with pytest.raises(errors.KomboAtsError):
        _create(kombo, job, "ada@example.com", "gh-cf-1", attachments=cv)

    people, _ = greenhouse.records_of("ada@example.com")
    assert [p["custom_fields"] for p in people] == [CANDIDATE_STORED]  # written with the candidate, once
    assert IdempotencyKey.objects.filter(key="gh-cf-1").exists()
    posted = {path: greenhouse.hits("POST", path) for path in ("/v3/candidates", "/v3/applications")}
    greenhouse.control("DELETE", "/faults")  # Greenhouse recovers; the counters start again
    greenhouse.count_requests("POST", "/v3/candidates")
    greenhouse.count_requests("POST", "/v3/applications")

    retried = _create(kombo, job, "ada@example.com", "gh-cf-1", attachments=cv)

    assert _custom_warnings(retried) == []  # the candidate holds the values already: nothing was kept back
    people, applications = greenhouse.records_of("ada@example.com")
    assert [p["custom_fields"] for p in people] == [CANDIDATE_STORED]
    assert [a["custom_fields"] for a in applications] == [APPLICATION_STORED]
    assert posted["/v3/candidates"] + greenhouse.hits("POST", "/v3/candidates") == 1
    assert posted["/v3/applications"] + greenhouse.hits("POST", "/v3/applications") == application_posts


@pytest.mark.django_db(transaction=True)
def test_the_emulator_refuses_unknown_fields_wrong_types_and_options_and_creates_nothing(
    greenhouse: Greenhouse,
) -> None:
    token = requests.post(
        f"{greenhouse.url}/token", data={"grant_type": "client_credentials", "sub": "1001"},
        auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET), timeout=10,
    ).json()["access_token"]  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    before = greenhouse.control("GET", "/state")["counts"]

    def post(path: str, body: dict[str, Any]) -> tuple[int, Any]:
        response = requests.post(f"{greenhouse.url}/v3{path}", json=body, headers=headers, timeout=10)
        return response.status_code, response.json()

    person = {"first_name": "Kate", "last_name": "Bell"}
    assert post("/candidates", {**person, "custom_fields": [{"id": 5003, "value": 500302}]}) == (422, {
        "message": "Validation error",
        "errors": [{"message": "is not a custom field of this candidate", "field": "custom_fields[0].id"}],
    })  # fmt: skip
    assert post("/candidates", {**person, "custom_fields": [{"name_key": "work_remotely", "value": "yes"}]}) == (422, {
        "message": "Validation error",
        "errors": [{"message": "is not a valid yes_no value for Work Remotely", "field": "custom_fields[0].value"}],
    })  # fmt: skip
    state = greenhouse.control("GET", "/state")
    application = {"candidate_id": state["candidates"][0]["id"], "job_id": state["jobs"][0]["id"]}
    assert post("/applications", {**application, "custom_fields": [{"id": 5003, "value": 999}]}) == (422, {
        "message": "Validation error",
        "errors": [{"message": "is not a valid single_select value for Referral Channel",
                    "field": "custom_fields[0].value"}],
    })  # fmt: skip
    assert greenhouse.control("GET", "/state")["counts"] == before
