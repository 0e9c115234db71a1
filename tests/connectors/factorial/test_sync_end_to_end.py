"""End to end over loopback: a Factorial integration on the emulator, synced by the real engine (shared rate
limiter, checkpoints), read back through the official SDK; outcomes follow what happens in Factorial."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from kombo import Kombo

from apps.connectors.catalog import AuthKind
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.factorial.emulator import DEFAULT_API_KEY, FactorialEmulator, create_app
from apps.integrations.models import Environment, Integration, SyncRun
from apps.integrations.services import integration_create
from tests.connectors.sync_support import every, sync


@pytest.fixture
def emulator() -> Iterator[tuple[FactorialEmulator, str]]:
    app = create_app(limits_enabled=False)  # the real clock: deltas compare with our own
    with LoopbackServer(app) as server:
        yield app, server.url


@pytest.fixture
def factorial(environment: Environment, emulator: tuple[FactorialEmulator, str]) -> Integration:
    integration = integration_create(
        environment=environment,
        tool="factorial",
        end_user_organization_name="Acme Corp",
        auth_kind=AuthKind.API_KEY,
        credentials={"api_key": DEFAULT_API_KEY},
        base_url=emulator[1],
        setup_status=Integration.SetupStatus.COMPLETED,
    )
    integration.sync_all_records = True
    integration.save(update_fields=["sync_all_records"])
    return integration


@pytest.mark.django_db(transaction=True)
def test_full_then_delta_sync_read_through_the_sdk(
    factorial: Integration, emulator: tuple[FactorialEmulator, str], kombo_client: Callable[..., Kombo]
) -> None:
    app, url = emulator
    sdk = kombo_client(integration_id=factorial.id)

    full = sync(factorial)

    assert full.type == "FULL"
    assert {(model.model, model.fetched) for model in full.model_checkpoints.all()} == {
        ("ats_users", 6), ("ats_rejection_reasons", 6), ("ats_jobs", 4), ("ats_candidates", 12),
        ("ats_applications", 16), ("ats_notes", len(app.state.feedbacks)), ("ats_attachments", 14),
    }  # fmt: skip
    jobs = {job.remote_id: job for job in every(sdk.ats.get_jobs)}
    assert sorted(jobs, key=int) == ["1", "2", "3", "4"]
    backend = jobs["1"]
    assert (backend.name, backend.status, backend.employment_type, backend.remote_work_status) == (
        "Backend Engineer", "OPEN", "FULL_TIME", "HYBRID",
    )  # fmt: skip
    assert [stage.name for stage in backend.stages] == ["New", "In review", "Assessment", "Interview", "Offer", "Hired"]
    assert [q.format_.TYPE for q in backend.screening_questions] == [
        "TEXT", "SINGLE_SELECT", "MULTI_SELECT", "TEXT", "FILE",
    ]  # fmt: skip
    applications = {app.remote_id: app for app in every(sdk.ats.get_applications)}
    assert len(applications) == 16
    assert {key: applications[key].outcome for key in ("1", "3", "5", "6")} == {
        "1": "PENDING", "3": "DECLINED", "5": "HIRED", "6": "DECLINED",
    }  # fmt: skip
    assert applications["6"].rejection_reason_name == "Accepted another offer"
    assert applications["2"].current_stage.name == "In review"
    assert applications["2"].candidate.source == "Career page"
    assert [answer.answer.choices for answer in applications["2"].screening_question_answers[2:]] == [
        ["English", "Spanish"]
    ]
    candidates = every(sdk.ats.get_candidates)
    assert len(candidates) == 12
    assert {user.email for user in every(sdk.ats.get_users)} >= {"ana.ruiz0@acmecorp.example"}
    assert len(every(sdk.ats.get_rejection_reasons)) == 6

    # then something happens in Factorial, and a delta picks it up
    requests_before = app.stats.snapshot()["totalRequests"]
    app.state.hire(app.state.applications[1], create_employee=False)
    app.state.reject(app.state.applications[7], 2)
    delta = sync(factorial, SyncRun.Type.DELTA)

    assert delta.type == "DELTA"
    after = {app.remote_id: app for app in every(sdk.ats.get_applications)}
    assert (after["1"].outcome, after["1"].current_stage.name) == ("HIRED", "Hired")
    assert (after["7"].outcome, after["7"].rejection_reason_name) == ("DECLINED", "Not enough experience")
    changed_candidates = {model.model: model.fetched for model in delta.model_checkpoints.all()}["ats_candidates"]
    assert changed_candidates == 2  # only the candidates whose applications moved
    assert delta.upstream_calls == app.stats.snapshot()["totalRequests"] - requests_before
