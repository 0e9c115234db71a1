"""Faults over loopback: with about 20 % of Workable calls answered 429 / 503, dropped or timed out, a full sync
stores exactly the records a clean sync of the same account stores (every model, raw payload by payload); a create
whose answer is lost, retried with its Idempotency-Key, makes one candidate."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from kombo import Kombo
from kombo.errors import KomboAtsError

from apps.connectors.catalog import AuthKind, RateBudget, ReadModel
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.workable.connector import WorkableConnector
from apps.connectors.workable.emulator import DEFAULT_TOKEN, SUBDOMAIN, WorkableEmulator, create_app
from apps.integrations.models import Environment, Integration
from apps.integrations.services import integration_create
from tests.connectors.sync_support import every, faults, stored, sync


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[WorkableEmulator, str]]:
    # The emulator's window is far above what this test makes (its limiter stays on, so its headers are true):
    # the connector need not pace itself at 1 request per second (the benchmark keeps the real limits).
    monkeypatch.setattr(WorkableConnector, "rate_budget", RateBudget(requests_per_second=100, max_concurrency=2))
    app = create_app(rate=1_000_000, seed={"candidates": 12, "jobs": 3})
    with LoopbackServer(app) as server:
        yield app, server.url


def _integration(environment: Environment, url: str, name: str) -> Integration:
    integration = integration_create(
        environment=environment, tool="workable", end_user_organization_name=name, auth_kind=AuthKind.API_KEY,
        credentials={"api_key": DEFAULT_TOKEN, "subdomain": SUBDOMAIN}, base_url=url,
        setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip
    Integration.objects.filter(pk=integration.pk).update(sync_all_records=True)
    integration.refresh_from_db()
    return integration


@pytest.mark.django_db(transaction=True)
def test_a_faulty_full_sync_stores_every_record_and_a_lost_create_is_written_once(
    environment: Environment, emulator: tuple[WorkableEmulator, str], kombo_client: Callable[..., Kombo],
    settings: Any,
) -> None:  # fmt: skip
    app, url = emulator
    settings.CONNECTOR_READ_TIMEOUT_SECONDS = 0.4  # an answer later than this is a timeout (retried: GETs are safe)
    clean_integration = _integration(environment, url, "Clean Corp")
    sync(clean_integration)
    clean = stored(clean_integration)
    integration = _integration(environment, url, "Acme Corp")
    # 5 % each of 503, 429, dropped connections and answers slower than the read timeout: about 20 % of calls.
    # The seeds are fixed (the sync's request order is deterministic), chosen so that each kind hits early; the
    # 429's seed hits once: Workable sends no Retry-After, so each 429 holds the sync off until
    # `X-Rate-Limit-Reset` (the next interval: within a second while the window has requests left).
    for seed, kind, extra in (
        (9, "status", {"status": 503}), (731, "status", {"status": 429}), (22, "drop", {}),
        (26, "latency", {"latency": 0.8}),
    ):  # fmt: skip
        faults(url, kind=kind, count=None, path="/spi/v3/*", probability=0.05, seed=seed, **extra)

    sync(integration)

    hits = {
        fault["kind"] + str(fault.get("status") or ""): fault["hits"]
        for fault in requests.get(f"{url}/_emulator/faults", timeout=10).json()["faults"]
    }
    requests.delete(f"{url}/_emulator/faults", timeout=10).raise_for_status()
    assert stored(integration) == clean  # exactly the clean run's records, model by model
    counts = {model: len(rows) for model, rows in clean.items() if rows}
    assert counts[ReadModel.CANDIDATES] == counts[ReadModel.APPLICATIONS] == 12
    assert counts[ReadModel.INTERVIEWS] == counts[ReadModel.OFFERS] == 3  # candidates 1, 5 and 9
    assert all(count >= 1 for count in hits.values()), hits  # every kind of fault was hit, timeouts included
    assert sum(hits.values()) >= 6, hits

    sdk = kombo_client(integration_id=integration.id)
    job = next(j for j in every(sdk.ats.get_jobs) if j.remote_id == "9CD658E13F")
    required = next(q for q in job.screening_questions if q.remote_id == "2128d717")
    answers = [{"question_id": required.id, "answer": "Planning"}]
    faults(url, kind="lose_answer", count=1, method="POST", path="/spi/v3/accounts/*/jobs/*/candidates")
    person = {"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com"}
    headers = {"Idempotency-Key": "wk-order-1"}
    try:
        first = sdk.ats.create_application(
            job_id=job.id, candidate=person, screening_question_answers=answers, http_headers=headers
        )
    except KomboAtsError:
        first = None
    again = sdk.ats.create_application(
        job_id=job.id, candidate=person, screening_question_answers=answers, http_headers=headers
    )

    mine = [c for c in app.state.candidates.values() if c.email == "ada@example.com"]
    assert len(mine) == 1
    assert again.data.remote_id == mine[0].id
    if first is not None:
        assert first.data.id == again.data.id
