"""Faults over loopback: with about 20 % of Personio calls answered 429 / 503 or dropped, a full sync stores the same
records as the emulator holds; creates under the same faults, each retried with its Idempotency-Key, make exactly
one application each; and a create whose answer never comes is found afterwards by email and job, once, with its id."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from kombo import Kombo
from kombo.errors import KomboAtsError

from apps.connectors.catalog import AuthKind, RateBudget
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.errors import ConnectorWriteUncertain
from apps.connectors.personio.connector import PersonioConnector
from apps.connectors.personio.emulator import PersonioEmulator, create_app
from apps.integrations.models import Environment, Integration
from apps.integrations.services import integration_create
from tests.connectors.contract import application_input
from tests.connectors.emulated import HOLD
from tests.connectors.personio.harness import CREDENTIALS, personio_connector
from tests.connectors.sync_support import every, faults, sync


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[PersonioEmulator, str]]:
    monkeypatch.setattr(PersonioConnector, "rate_budget", RateBudget(requests_per_second=100, max_concurrency=4))
    app = create_app(limits_enabled=False, seed={"candidates": 450, "jobs": 3})
    with LoopbackServer(app) as server:
        yield app, server.url


def applications_of(app: PersonioEmulator, email: str) -> list[dict[str, Any]]:
    return [a for a in app.state.applications.values() if app.state.candidates[a["candidate_id"]]["email"] == email]


def test_a_create_whose_answer_times_out_is_found_once_by_email_and_job(
    emulator: tuple[PersonioEmulator, str],
) -> None:
    app, url = emulator
    connector = personio_connector(url)
    job = next(str(j["id"]) for j in app.state.jobs.values() if j["status"] == "published")
    # The create is carried out, but its answer comes later than the client waits.
    faults(url, kind="latency", latency=HOLD, count=1, method="POST", path="/v1/recruiting/applications")

    with pytest.raises(ConnectorWriteUncertain):
        connector.create_application(application_input(job, (), "late@example.com"))
    # Personio finishes the request the client gave up on: the hold ends, the create is carried out.
    requests.delete(f"{url}/_emulator/faults", timeout=10).raise_for_status()
    deadline = time.monotonic() + 30
    while requests.get(f"{url}/_emulator/faults", timeout=10).json()["held"] and time.monotonic() < deadline:
        time.sleep(0.01)
    found = connector.find_application(job_remote_id=job, email_address="LATE@example.com")

    [made] = applications_of(app, "late@example.com")
    assert found is not None
    assert (found.application.remote_id, found.application.job_remote_id) == (str(made["id"]), job)
    assert found.candidate.remote_id == str(made["candidate_id"])


@pytest.mark.django_db(transaction=True)
def test_a_faulty_full_sync_stores_every_record_and_retried_creates_are_written_once(
    environment: Environment, emulator: tuple[PersonioEmulator, str], kombo_client: Callable[..., Kombo]
) -> None:
    app, url = emulator
    integration = integration_create(
        environment=environment, tool="personio", end_user_organization_name="Acme Corp",
        auth_kind=AuthKind.OAUTH2_CLIENT_CREDENTIALS, credentials=dict(CREDENTIALS), base_url=url,
        setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip
    Integration.objects.filter(pk=integration.pk).update(sync_all_records=True)
    integration.refresh_from_db()
    for kind, extra in (("status", {"status": 503}), ("status", {"status": 429, "retryAfter": 1}), ("drop", {})):
        faults(url, kind=kind, count=None, path="/v*", probability=0.07, seed=len(extra), **extra)

    sync(integration)

    hits = sum(fault["hits"] for fault in requests.get(f"{url}/_emulator/faults", timeout=10).json()["faults"])
    sdk = kombo_client(integration_id=integration.id)
    assert sorted(int(c.remote_id) for c in every(sdk.ats.get_candidates)) == sorted(app.state.candidates)
    assert sorted(int(a.remote_id) for a in every(sdk.ats.get_applications)) == sorted(app.state.applications)
    assert len(every(sdk.ats.get_jobs)) == len(app.state.jobs)
    assert hits >= 2  # the sync went through injected faults and still stored everything

    job = next(j for j in every(sdk.ats.get_jobs) if j.name == "Engineer 1")
    answers: dict[str, str] = {}
    for number in range(3):  # still under the 20 % faults: a careful client retries with the same key
        email = f"retry{number}@example.com"
        person = {"first_name": "Re", "last_name": f"Try {number}", "email_address": email}
        for _ in range(12):
            try:
                answers[email] = sdk.ats.create_application(
                    job_id=job.id, candidate=person, http_headers={"Idempotency-Key": f"pe-order-{number}"}
                ).data.remote_id
                break
            except KomboAtsError:
                continue
    requests.delete(f"{url}/_emulator/faults", timeout=10).raise_for_status()
    for email, remote_id in answers.items():
        assert [str(a["id"]) for a in applications_of(app, email)] == [remote_id]
    assert len(answers) == 3

    # The vendor carries out the create and its answer is lost: the retry with the key finds it and returns its id.
    faults(url, kind="lose_answer", count=1, method="POST", path="/v1/recruiting/applications")
    person = {"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com"}
    headers = {"Idempotency-Key": "pe-order-ada"}
    with pytest.raises(KomboAtsError) as lost:
        sdk.ats.create_application(job_id=job.id, candidate=person, http_headers=headers)
    again = sdk.ats.create_application(job_id=job.id, candidate=person, http_headers=headers)

    assert lost.value.status_code == 504
    [mine] = applications_of(app, "ada@example.com")
    assert again.data.remote_id == str(mine["id"])
