"""With about 20 % injected 429s, 503s and timeouts, reads retried inside the HTTP seam return the same records as
without faults; a create whose form answer was lost is found and finished (not re-sent), so it exists exactly once
with our source; a form that never arrived leaves the create uncertain."""

from __future__ import annotations

from dataclasses import replace

import pytest

from apps.connectors.ashby.emulator import DEFAULT_API_KEY, AshbyEmulator
from apps.connectors.base import Connector, ConnectorContext
from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import SourceInstruction
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.errors import ConnectorWriteUncertain
from apps.connectors.http import HttpClient, RetryPolicy, Timeout
from apps.connectors.registry import get_connector_class
from tests.connectors.ashby.harness import AshbyHarness
from tests.connectors.contract import application_input, read_all

MODELS = (
    ReadModel.USERS,
    ReadModel.TAGS,
    ReadModel.REJECTION_REASONS,
    ReadModel.JOBS,
    ReadModel.CANDIDATES,
    ReadModel.APPLICATIONS,
)


def retrying_connector(url: str) -> Connector:
    http = HttpClient(
        base_url=url,
        rate_key="ashby:faults",
        retry=RetryPolicy(max_attempts=8, backoff=0.01, max_wait=1),
        timeout=Timeout(connect=2, read=0.3),
        secrets=[DEFAULT_API_KEY],
    )
    context = ConnectorContext(
        integration_key="ashby:faults",
        base_url=url,
        credentials={"api_key": DEFAULT_API_KEY},
        auth_kind=AuthKind.API_KEY,
        http=http,
        options={"page_size": 5},
    )
    return get_connector_class("ashby")(context)


def everything(connector: Connector) -> dict[ReadModel, list[str]]:
    return {model: sorted(read_all(connector, model)[0]) for model in MODELS}


@pytest.fixture
def harness(ashby_server: LoopbackServer, ashby_app: AshbyEmulator, ashby_clock: ManualClock) -> AshbyHarness:
    harness = AshbyHarness(ashby_server.url, ashby_clock)
    harness.control("POST", "/seed", json={"candidates": 20, "jobs": 3})
    return harness


def test_a_full_read_under_20_percent_faults_returns_the_same_records(harness: AshbyHarness) -> None:
    clean = everything(retrying_connector(harness.url))
    slept_before = len(harness.clock.slept)
    for number, spec in enumerate(
        (
            {"kind": "status", "status": 429, "retryAfter": 0.01},
            {"kind": "status", "status": 503},
            {"kind": "latency", "latency": 0.9},
        )
    ):
        harness.control("POST", "/faults", json={**spec, "count": 1000, "probability": 0.07, "seed": 10 + number})

    faulty = everything(retrying_connector(harness.url))
    stats = harness.control("GET", "/stats")

    assert faulty == clean
    assert len(clean[ReadModel.CANDIDATES]) == 20
    assert stats["statusCounts"].get("429", 0) > 0
    assert stats["statusCounts"].get("503", 0) > 0
    assert len(harness.clock.slept) > slept_before  # timeouts were injected too


def test_a_create_whose_answer_was_lost_is_found_and_finished_instead_of_sent_again(harness: AshbyHarness) -> None:
    ours = harness.control("POST", "/sources", json={"title": "Tributary", "sourceType": "Inbound"})
    connector = harness.connector()
    job, answers = harness.open_job()
    harness.control("POST", "/faults", json={"kind": "lose_answer", "path": "/applicationForm.submit", "count": 1})
    source = SourceInstruction(name="Tributary", remote_id=ours["id"])

    result = connector.create_application(replace(application_input(job, answers, "lost@example.com"), source=source))
    found = connector.find_application(job_remote_id=job, email_address="lost@example.com")

    assert found is not None
    mine = [
        a
        for a in harness.state()["applications"]
        if a["candidate"]["primaryEmailAddress"]["value"] == "lost@example.com"
    ]
    assert [a["id"] for a in mine] == [found.application.remote_id] == [result.application.remote_id]
    assert mine[0]["source"]["id"] == ours["id"]  # the create went on with changeSource
    assert connector.find_application(job_remote_id=job, email_address="nobody@example.com") is None


def test_a_form_that_never_arrived_leaves_the_create_uncertain(harness: AshbyHarness) -> None:
    connector = harness.connector()
    job, answers = harness.open_job()
    harness.control("POST", "/faults", json={"kind": "drop", "path": "/applicationForm.submit", "count": 1})

    with pytest.raises(ConnectorWriteUncertain):
        connector.create_application(application_input(job, answers, "dropped@example.com"))

    assert connector.find_application(job_remote_id=job, email_address="dropped@example.com") is None
