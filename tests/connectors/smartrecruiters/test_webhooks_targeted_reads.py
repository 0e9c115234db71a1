"""SmartRecruiters' event-aware targeted reads, end to end over loopback: a status event reads the application and
its status history only (2 calls) and keeps the stored screening answers and property values; a created event, or
a status event about an application we do not hold, reads the application whole; the scheduled delta still reads
everything. Deliveries are flushed before the task pump starts, so each step is one TARGETED run (exact calls)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
from kombo import Kombo

from apps.connectors.catalog import ReadModel
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, SmartRecruitersEmulator, create_app
from apps.core.timeutils import utcnow
from apps.integrations.models import Environment, InboundPendingTarget, Integration, SyncRun
from apps.integrations.sync import sync_dispatch
from tests.connectors.smartrecruiters.harness import Emulator
from tests.connectors.sync_support import every
from tests.connectors.webhook_support import TaskPump, connected_with_webhooks, flush

SEED = {"seed": 7, "users": 1, "jobs": 1, "candidates": 3, "applications": 3}
PERMIT = "Are you legally authorized to work in Spain?"  # the seed's posting (seed 7: a job in Spain)
YEARS = "How many years of professional experience do you have?"
SALARY = "5f3c1a2e-7b44-4d1e-9a0c-1b2c3d4e5f01"  # the emulator's "Salary expectation" candidate property (CURRENCY)


@pytest.fixture(scope="module")
def sr_app() -> SmartRecruitersEmulator:
    return create_app(seed=SEED, limits_enabled=False)


@pytest.fixture(scope="module")
def sr_server(sr_app: SmartRecruitersEmulator) -> Iterator[LoopbackServer]:
    with LoopbackServer(sr_app) as server:
        yield server


@pytest.fixture
def emulator(sr_server: LoopbackServer, sr_app: SmartRecruitersEmulator, settings: Any, live_server: Any) -> Emulator:
    sr_app.reset_state()
    sr_app.subscriptions.clear()
    sr_app.outbox.reset()
    settings.CONNECTOR_BASE_URLS = {"smartrecruiters": sr_server.url}
    settings.PUBLIC_BASE_URL = live_server.url
    return Emulator(sr_server, sr_app)


@pytest.fixture
def connected(environment: Environment, emulator: Emulator) -> Integration:
    integration, _ = connected_with_webhooks(
        environment, tool="smartrecruiters", base_url=emulator.url, credentials={"api_key": DEFAULT_API_KEY}
    )
    requests.delete(f"{emulator.url}/_emulator/webhooks", timeout=10).raise_for_status()  # the ping forgotten
    return integration


def apply(emulator: Emulator, email: str, years: str) -> str:
    """A candidate applies on the public posting with two screening answers; returns the application's remote id."""
    job = emulator.public_job()
    questions = job["posting"]["questionIds"]
    answers = [
        {"id": questions[0], "records": [{"fields": {"f-permit": ["yes"]}}]},
        {"id": questions[2], "records": [{"fields": {"f-years": [years]}}]},
    ]
    body = {"firstName": "Ada", "lastName": "Status", "email": email, "answers": answers}
    created = emulator.api("POST", f"/postings/{job['posting']['uuid']}/candidates", json=body)
    return f"{created['id']}:{job['id']}"


def move(emulator: Emulator, remote_id: str, status: str) -> None:
    candidate_id, job_id = remote_id.split(":")
    emulator.move(candidate_id, job_id, status)


def targeted_runs(
    integration: Integration, url: str, step: Callable[[], None], *, lost: bool = False
) -> list[tuple[str, int, dict[str, tuple[int, int]]]]:
    """Make `step` in the emulator, deliver its events (or lose them all), then let one worker take them: the
    TARGETED runs it made as (status, upstream calls, {model: (created, updated)} of the models it read)."""
    before = set(SyncRun.objects.filter(integration=integration).values_list("id", flat=True))
    body = {"drop_rate": 1.0 if lost else 0.0, "seed": 1}
    requests.post(f"{url}/_emulator/webhooks", json=body, timeout=10).raise_for_status()
    step()
    flush(url)
    with TaskPump() as pump:
        pump.idle()
    assert not InboundPendingTarget.objects.filter(integration=integration).exists()
    runs = SyncRun.objects.filter(integration=integration, type=SyncRun.Type.TARGETED).exclude(id__in=before)
    return [
        (run.status, run.upstream_calls, {m.model: (m.created, m.updated) for m in run.model_checkpoints.all()})
        for run in runs.order_by("created_at")
    ]


def application(kombo: Kombo, remote_id: str) -> dict[str, Any]:
    found = next(item for item in every(kombo.ats.get_applications) if item.remote_id == remote_id)
    return found.model_dump(mode="json", by_alias=True)


def stored_raw(integration: Integration, remote_id: str) -> dict[str, Any]:
    """The `remote_data` we hold for the application (the API exposes it only through field exposure)."""
    from apps.applications.services import RECORD_MODELS

    table = RECORD_MODELS[ReadModel.APPLICATIONS]
    return table.objects.get(integration=integration, remote_id=remote_id).remote_data


def answers(record: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(item["question"]["title"], item["answer"]) for item in record["screening_question_answers"]]


def test_a_status_event_reads_the_application_and_its_history_and_keeps_the_stored_answers_and_properties(
    connected: Integration, emulator: Emulator, kombo_client: Callable[..., Kombo]
) -> None:
    kombo = kombo_client(integration_id=connected.id)
    new = ""

    def applied_and_moved() -> None:
        nonlocal new
        new = apply(emulator, "ada.status@example.com", "7")
        move(emulator, new, "IN_REVIEW")

    # a new application (created) and its first move, in one batch: read whole once, its candidate too (5 calls)
    assert targeted_runs(connected, emulator.url, applied_and_moved) == [
        ("SUCCEEDED", 5, {"ats_candidates": (1, 0), "ats_applications": (1, 0)})
    ]
    first = application(kombo, new)
    assert answers(first) == [
        (PERMIT, {"choice": "Yes"}),
        (YEARS, {"content": "7"}),
    ]
    assert first["custom_fields"] == {}
    stage_before = first["current_stage"]
    raw_before = stored_raw(connected, new)

    # a property value set in SmartRecruiters sends no event; then a status event reads 2 calls (application and its
    # status history): the answers and the property values stay as stored (the value comes with the next delta)
    emulator.api("PUT", f"/candidates/{new.split(':')[0]}/jobs/{new.split(':')[1]}/properties", json=[
        {"id": SALARY, "value": 65000},
    ])  # fmt: skip
    assert targeted_runs(connected, emulator.url, lambda: move(emulator, new, "INTERVIEW")) == [
        ("SUCCEEDED", 2, {"ats_applications": (0, 1)})
    ]
    moved = application(kombo, new)
    assert moved["current_stage"] != stage_before
    assert (answers(moved), moved["custom_fields"]) == (answers(first), {})
    raw = stored_raw(connected, new)
    assert (raw["screeningAnswers"], "properties" in raw) == (raw_before["screeningAnswers"], False)
    assert [entry["status"] for entry in raw["statusHistory"]] == ["NEW", "IN_REVIEW", "INTERVIEW"]
    assert raw["application"]["status"] == "INTERVIEW"

    # the scheduled delta reads the application whole: the property value arrives, the answers stay
    assert sync_dispatch(now=utcnow() + timedelta(minutes=16))["requested"] == 1
    with TaskPump() as pump:
        pump.idle(timeout=60)
    last = SyncRun.objects.filter(integration=connected).order_by("-created_at").first()
    assert last is not None
    assert (last.type, last.status) == ("DELTA", "SUCCEEDED")
    synced = application(kombo, new)
    assert (answers(synced), synced["custom_fields"]) == (answers(first), {"Salary expectation": 65000})


def test_a_status_event_about_an_application_we_do_not_hold_reads_it_whole(
    connected: Integration, emulator: Emulator, kombo_client: Callable[..., Kombo]
) -> None:
    kombo = kombo_client(integration_id=connected.id)
    new = ""

    def applied() -> None:
        nonlocal new
        new = apply(emulator, "ada.lost@example.com", "3")

    # every delivery of the application is lost: nothing read
    assert targeted_runs(connected, emulator.url, applied, lost=True) == []
    # its status event reads it whole (4 calls) and its candidate, new to us (1 call)
    assert targeted_runs(connected, emulator.url, lambda: move(emulator, new, "IN_REVIEW")) == [
        ("SUCCEEDED", 5, {"ats_candidates": (1, 0), "ats_applications": (1, 0)})
    ]
    record = application(kombo, new)
    assert answers(record) == [
        (PERMIT, {"choice": "Yes"}),
        (YEARS, {"content": "3"}),
    ]
    assert [entry["status"] for entry in stored_raw(connected, new)["statusHistory"]] == ["NEW", "IN_REVIEW"]
