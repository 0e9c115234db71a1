"""Faults over loopback: with about 20 % of Harvest calls answered 429 / 503, dropped or timed out, a full sync
stores exactly the records a clean sync of the same company stores (every model, raw payload by payload); a create
whose answer is lost, retried with its Idempotency-Key, makes one application."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from kombo import Kombo
from kombo.errors import KomboAtsError

from apps.connectors.catalog import AuthKind, RateBudget, ReadModel
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.greenhouse.connector import GreenhouseConnector
from apps.connectors.greenhouse.emulator import ADMIN_USER_ID, DEFAULT_API_KEY, GreenhouseEmulator, create_app
from apps.integrations.models import Environment, Integration
from apps.integrations.services import integration_create
from tests.connectors.greenhouse.harness import UNPACED_RATE
from tests.connectors.sync_support import every, faults, stored, sync


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[GreenhouseEmulator, str]]:
    # The emulator's window is far above what this test makes, so the connector need not pace itself at 2.2
    # requests per second (the sync benchmark and the emulator tests keep the real limits).
    monkeypatch.setattr(GreenhouseConnector, "rate_budget", RateBudget(requests_per_second=100, max_concurrency=4))
    app = create_app(rate=UNPACED_RATE, seed={"candidates": 30, "jobs": 3})
    with LoopbackServer(app) as server:
        yield app, server.url


@pytest.mark.django_db(transaction=True)
def _integration(environment: Environment, url: str, name: str) -> Integration:
    integration = integration_create(
        environment=environment, tool="greenhouse", end_user_organization_name=name, auth_kind=AuthKind.API_KEY,
        credentials={"api_key": DEFAULT_API_KEY, "user_id": str(ADMIN_USER_ID)}, base_url=url,
        setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip
    Integration.objects.filter(pk=integration.pk).update(sync_all_records=True)
    integration.refresh_from_db()
    return integration


@pytest.mark.django_db(transaction=True)
def test_a_faulty_full_sync_stores_every_record_and_a_lost_create_is_written_once(
    environment: Environment, emulator: tuple[GreenhouseEmulator, str], kombo_client: Callable[..., Kombo],
    settings: Any,
) -> None:  # fmt: skip
    app, url = emulator
    settings.CONNECTOR_READ_TIMEOUT_SECONDS = 0.4  # an answer later than this is a timeout (retried: GETs are safe)
    clean_integration = _integration(environment, url, "Clean Corp")
    sync(clean_integration)
    clean = stored(clean_integration)
    integration = _integration(environment, url, "Acme Corp")
    # 5 % each of 503, 429, dropped connections and answers slower than the read timeout: about 20 % of calls.
    # The seeds are fixed (the sync's request order is deterministic), chosen so that each kind hits early.
    for seed, kind, extra in (
        (9, "status", {"status": 503}), (15, "status", {"status": 429, "retryAfter": 0.05}), (22, "drop", {}),
        (26, "latency", {"latency": 0.8}),
    ):  # fmt: skip
        faults(url, kind=kind, count=None, path="/v3/*", probability=0.05, seed=seed, **extra)

    sync(integration)

    hits = {
        fault["kind"] + str(fault.get("status") or ""): fault["hits"]
        for fault in requests.get(f"{url}/_emulator/faults", timeout=10).json()["faults"]
    }
    requests.delete(f"{url}/_emulator/faults", timeout=10).raise_for_status()
    assert stored(integration) == clean  # exactly the clean run's records, model by model
    assert {model: len(rows) for model, rows in clean.items() if rows} == {
        ReadModel.USERS: 2, ReadModel.ROLES: 4, ReadModel.REJECTION_REASONS: 3, ReadModel.APPLICATION_STAGES: 16,
        ReadModel.JOBS: 4, ReadModel.CANDIDATES: 30, ReadModel.APPLICATIONS: 30, ReadModel.OFFERS: 10,
        ReadModel.INTERVIEWS: 10, ReadModel.SCORECARDS: 10,
    }  # fmt: skip
    assert all(count >= 1 for count in hits.values()), hits  # every kind of fault was hit, timeouts included
    sdk = kombo_client(integration_id=integration.id)
    assert sorted(int(a.remote_id) for a in every(sdk.ats.get_applications)) == sorted(app.state.applications)

    job = next(j for j in every(sdk.ats.get_jobs) if j.name == "Engineer 1")
    notice, _, before, *_ = job.screening_questions
    answers = [{"question_id": notice.id, "answer": "Now"}, {"question_id": before.id, "answer": True}]
    faults(url, kind="lose_answer", count=1, method="POST", path="/v3/applications")
    person = {"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com"}
    headers = {"Idempotency-Key": "gh-order-1"}
    try:
        first = sdk.ats.create_application(
            job_id=job.id, candidate=person, screening_question_answers=answers, http_headers=headers
        )
    except KomboAtsError:
        first = None
    again = sdk.ats.create_application(
        job_id=job.id, candidate=person, screening_question_answers=answers, http_headers=headers
    )

    mine = [
        a
        for a in app.state.applications.values()
        if app.state.candidates[a["candidate_id"]]["email_addresses"][0]["value"] == "ada@example.com"
    ]
    assert len(mine) == 1
    assert again.data.remote_id == str(mine[0]["id"])
    if first is not None:
        assert first.data.id == again.data.id
