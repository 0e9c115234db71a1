"""Faults end to end: an Ashby integration synced by the real engine with about 20 % of the calls answered 429 / 503
or dropped stores the same records as a calm one; a create whose form answer is lost is finished on the application
Ashby made, and sent again through the SDK with its Idempotency-Key it is still exactly one application."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from kombo import Kombo
from kombo.errors import KomboAtsError

from apps.attribution.models import ApplicationAttribution, SourceMapping
from apps.connectors.ashby.emulator import DEFAULT_API_KEY, AshbyEmulator, create_app
from apps.connectors.ashby.emulator.seed import add_source
from apps.connectors.catalog import AuthKind
from apps.connectors.emulation.server import LoopbackServer
from apps.integrations.models import Environment, Integration, SyncRun
from apps.integrations.services import integration_create
from tests.connectors.sync_support import every, sync


@pytest.fixture
def emulator() -> Iterator[tuple[AshbyEmulator, str]]:
    app = create_app(limits_enabled=False, seed={"candidates": 30, "jobs": 3})
    with LoopbackServer(app) as server:
        yield app, server.url


def control(url: str, method: str, path: str, **kwargs: Any) -> Any:
    response = requests.request(method, f"{url}/_emulator{path}", timeout=10, **kwargs)
    assert response.ok, response.text
    return response.json()


def connect(environment: Environment, url: str, name: str) -> Integration:
    integration = integration_create(
        environment=environment, tool="ashby", end_user_organization_name=name, auth_kind=AuthKind.API_KEY,
        credentials={"api_key": DEFAULT_API_KEY}, base_url=url, setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip
    Integration.objects.filter(pk=integration.pk).update(sync_all_records=True)
    integration.refresh_from_db()
    return integration


def counts(run: SyncRun) -> dict[str, int]:
    return {model.model: model.fetched for model in run.model_checkpoints.all()}


@pytest.mark.django_db(transaction=True)
def test_a_faulty_full_sync_stores_the_same_records_and_a_lost_create_is_written_once(
    environment: Environment, emulator: tuple[AshbyEmulator, str], kombo_client: Callable[..., Kombo]
) -> None:
    app, url = emulator
    calm = sync(connect(environment, url, "Calm Inc."))
    for number, extra in enumerate(({"status": 503}, {"status": 429, "retryAfter": 0}, {"kind": "drop"})):
        spec = {"kind": "status", **extra, "count": None, "probability": 0.07, "seed": 20 + number}
        control(url, "POST", "/faults", json=spec)
    stormy = connect(environment, url, "Stormy Inc.")

    faulty = sync(stormy)

    status_counts = control(url, "GET", "/stats")["statusCounts"]
    control(url, "DELETE", "/faults")
    assert counts(faulty) == counts(calm)
    assert counts(calm)["ats_candidates"] == 30
    assert (status_counts.get("429", 0) > 0, status_counts.get("503", 0) > 0) == (True, True)
    sdk = kombo_client(integration_id=stormy.id)
    assert sorted(c.remote_id for c in every(sdk.ats.get_candidates)) == sorted(app.state.candidates)
    assert sorted(a.remote_id for a in every(sdk.ats.get_applications)) == sorted(app.state.applications)

    with app.lock:
        source = add_source(app.state, "Acme Jobs", "Inbound")
    SourceMapping.objects.create(
        integration=stormy, strategy="MUST_EXIST", status="CONFIGURED", source_name="Acme Jobs",
        remote_id=source["id"], remote_label="Acme Jobs",
    )  # fmt: skip
    job = next(j for j in every(sdk.ats.get_jobs) if j.status == "OPEN")
    answers = [
        {"question_id": q.id, "answer": q.format_.options[0].id if q.format_.TYPE == "SINGLE_SELECT" else True}
        for q in job.screening_questions
        if q.required
    ]
    assert {q.format_.TYPE for q in job.screening_questions if q.required} == {"SINGLE_SELECT", "BOOLEAN"}
    person = {"first_name": "Grace", "last_name": "Hopper", "email_address": "grace@example.com"}
    headers = {"Idempotency-Key": "ashby-order-1"}
    control(url, "POST", "/faults", json={"kind": "lose_answer", "count": 1, "path": "/applicationForm.submit"})
    # the form's answer never comes back: the connector finds the application and finishes the create on it
    first = sdk.ats.create_application(
        job_id=job.id, candidate=person, screening_question_answers=answers, http_headers=headers
    )
    again = sdk.ats.create_application(
        job_id=job.id, candidate=person, screening_question_answers=answers, http_headers=headers
    )

    mine = [
        a
        for a in app.state.applications.values()
        if a["candidate"]["primaryEmailAddress"]["value"] == "grace@example.com"
    ]
    assert [a["id"] for a in mine] == [again.data.remote_id]
    assert mine[0]["source"]["id"] == source["id"]
    assert first.data.id == again.data.id  # the retry with the same key answered the same application

    # A lost form whose application Ashby shows only after the connector's own lookup (here: the lookup fails):
    # the create stays uncertain, and the retry's reconcile finds it and still sets and verifies our source.
    control(url, "POST", "/faults", json={"kind": "lose_answer", "count": 1, "path": "/applicationForm.submit"})
    control(url, "POST", "/faults", json={"status": 403, "count": 1, "skip": 1, "path": "/candidate.search"})
    late = {"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada.late@example.com"}
    late_headers = {"Idempotency-Key": "ashby-order-2"}
    with pytest.raises(KomboAtsError):  # uncertain: the form's answer never came and the lookup failed
        sdk.ats.create_application(
            job_id=job.id, candidate=late, screening_question_answers=answers, http_headers=late_headers
        )
    control(url, "DELETE", "/faults")
    [made] = [
        a
        for a in app.state.applications.values()
        if a["candidate"]["primaryEmailAddress"]["value"] == late["email_address"]
    ]
    assert made["source"] is None or made["source"]["id"] != source["id"]  # the form took no sourceId
    reconciled = sdk.ats.create_application(
        job_id=job.id, candidate=late, screening_question_answers=answers, http_headers=late_headers
    )
    assert reconciled.data.remote_id == made["id"]
    assert app.state.applications[made["id"]]["source"]["id"] == source["id"]
    attribution = ApplicationAttribution.objects.get(application_remote_id=made["id"])
    assert (attribution.status, attribution.observed_source) == ("CONFIRMED", "Acme Jobs")
