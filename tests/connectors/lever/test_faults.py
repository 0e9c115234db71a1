"""Faults over loopback: with about 20 % of Lever calls answered 429 / 503 or dropped, a full sync stores the same
records as the emulator holds; a create whose answer is lost, retried with its Idempotency-Key, makes one
opportunity."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests
from kombo import Kombo
from kombo.errors import KomboAtsError

from apps.connectors.catalog import AuthKind, RateBudget
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.lever.connector import LeverConnector
from apps.connectors.lever.emulator import DEFAULT_API_KEY, LeverEmulator, create_app
from apps.integrations.models import Environment, Integration, SyncRun
from apps.integrations.services import integration_create
from apps.integrations.sync import RunOutcome, sync_run_execute, sync_run_request
from tests.connectors.lever.harness import OPEN_POSTING
from tests.connectors.sync_support import every, faults


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[LeverEmulator, str]]:
    # Limits off here, so the connector need not pace itself at 9 requests per second (the benchmark keeps them).
    monkeypatch.setattr(LeverConnector, "rate_budget", RateBudget(requests_per_second=200, max_concurrency=4))
    app = create_app(limits_enabled=False, seed={"opportunities": 6, "postings": 3})
    with LoopbackServer(app) as server:
        yield app, server.url


def faulty_sync(integration: Integration) -> int:
    """A FULL run to its end; when a call fails all its attempts the engine defers the run (RETRY_LATER) and its
    scheduled task continues it with the claim token: done here at once. Returns how often it was resumed."""
    run, _ = sync_run_request(integration=integration, type=SyncRun.Type.FULL, trigger=SyncRun.Trigger.COMMAND,
                              enqueue=False)  # fmt: skip
    outcome = sync_run_execute(run_id=run.id, time_budget=float("inf"), enqueue_continuation=False)
    resumed = 0
    while outcome == RunOutcome.RETRY_LATER:
        resumed += 1
        token = SyncRun.objects.get(id=run.id).claim_token
        outcome = sync_run_execute(run_id=run.id, token=token, time_budget=float("inf"), enqueue_continuation=False)
    run.refresh_from_db()
    assert outcome == RunOutcome.SUCCEEDED, run.error
    return resumed


@pytest.mark.django_db(transaction=True)
def test_a_faulty_full_sync_stores_every_record_and_a_lost_create_is_written_once(
    environment: Environment, emulator: tuple[LeverEmulator, str], kombo_client: Callable[..., Kombo]
) -> None:
    app, url = emulator
    integration = integration_create(
        environment=environment, tool="lever", end_user_organization_name="Acme Corp", auth_kind=AuthKind.API_KEY,
        credentials={"api_key": DEFAULT_API_KEY}, base_url=url, setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip
    Integration.objects.filter(pk=integration.pk).update(sync_all_records=True)
    integration.refresh_from_db()
    for kind, extra in (("status", {"status": 503}), ("status", {"status": 429, "retryAfter": 1}), ("drop", {})):
        faults(url, kind=kind, count=None, path="/v1/*", probability=0.07, seed=len(extra), **extra)

    resumed = faulty_sync(integration)

    hits = sum(fault["hits"] for fault in requests.get(f"{url}/_emulator/faults", timeout=10).json()["faults"])
    requests.delete(f"{url}/_emulator/faults", timeout=10).raise_for_status()
    sdk = kombo_client(integration_id=integration.id)
    assert sorted(c.remote_id for c in every(sdk.ats.get_candidates)) == sorted(app.state.contacts)
    assert sorted(a.remote_id for a in every(sdk.ats.get_applications)) == sorted(app.state.opportunities)
    assert len(every(sdk.ats.get_jobs)) == len(app.state.postings)
    assert hits >= 2  # the sync went through injected faults and still stored everything
    assert resumed <= 4  # each deferral is one call that failed all three attempts (within the engine's 5)
    assert len(every(sdk.ats.get_interviews)) == sum(len(o.interviews) for o in app.state.opportunities.values())
    assert len(every(sdk.ats.get_offers)) == sum(len(o.offers) for o in app.state.opportunities.values())

    job = next(j for j in every(sdk.ats.get_jobs) if j.remote_id == OPEN_POSTING)
    required = next(q for q in job.screening_questions if q.required)
    answers = [{"question_id": required.id, "answer": "Ten years"}]
    faults(url, kind="lose_answer", count=1, method="POST", path="/v1/postings/*/apply")
    person = {"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com"}
    headers = {"Idempotency-Key": "lv-order-1"}
    try:
        first = sdk.ats.create_application(
            job_id=job.id, candidate=person, screening_question_answers=answers, http_headers=headers
        )
    except KomboAtsError:
        first = None
    again = sdk.ats.create_application(
        job_id=job.id, candidate=person, screening_question_answers=answers, http_headers=headers
    )

    mine = [o for o in app.state.opportunities.values() if "ada@example.com" in o.emails]
    assert len(mine) == 1
    assert again.data.remote_id == mine[0].id
    if first is not None:
        assert first.data.id == again.data.id
