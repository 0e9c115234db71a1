"""The sync engine with the SmartRecruiters connector on its emulator (limits on, real clock), on PostgreSQL.

Covers the engine's per-parent reads: offers, interviews and attachments per application, notes per candidate,
`parent_remote_ids` the tracked ones (or all), vanished children marked on FULL runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from apps.applications import models as m
from apps.connectors.catalog import AuthKind
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, SmartRecruitersEmulator, create_app
from apps.core.timeutils import parse_datetime
from apps.integrations.models import Environment, Integration, SyncRun
from apps.integrations.services import integration_create
from apps.integrations.sync import RunOutcome, sync_run_execute, sync_run_request
from tests.connectors.smartrecruiters.harness import Emulator
from tests.factories.applications import ApplicationFactory, CandidateFactory

# Small, but with every kind of record: 8 applications in six statuses, 3 offers, 5 interviews, 2 notes.
SEED = {"seed": 3, "users": 3, "jobs": 2, "candidates": 6, "applications": 8}
OUTCOMES = {"HIRED": "HIRED", "REJECTED": "DECLINED", "WITHDRAWN": "DECLINED"}


@pytest.fixture
def sr_app() -> SmartRecruitersEmulator:
    return create_app(seed=SEED, limits_enabled=True)


@pytest.fixture
def sr_server(sr_app: SmartRecruitersEmulator) -> Iterator[LoopbackServer]:
    with LoopbackServer(sr_app) as server:
        yield server


@pytest.fixture
def emulator(sr_server: LoopbackServer, sr_app: SmartRecruitersEmulator) -> Emulator:
    return Emulator(sr_server, sr_app)


@pytest.fixture
def sr_integration(environment: Environment, sr_server: LoopbackServer) -> Integration:
    return integration_create(
        environment=environment,
        tool="smartrecruiters",
        end_user_organization_name="Acme Corp",
        auth_kind=AuthKind.API_KEY,
        credentials={"api_key": DEFAULT_API_KEY},
        base_url=sr_server.url,
        setup_status=Integration.SetupStatus.COMPLETED,
    )


@pytest.fixture
def run_sync() -> Callable[..., SyncRun]:
    def run(integration: Integration, run_type: str = SyncRun.Type.FULL) -> SyncRun:
        sync_run, _ = sync_run_request(
            integration=integration, type=run_type, trigger=SyncRun.Trigger.COMMAND, enqueue=False
        )
        outcome = sync_run_execute(run_id=sync_run.id, time_budget=float("inf"))
        sync_run.refresh_from_db()
        assert outcome == RunOutcome.SUCCEEDED, sync_run.error
        return sync_run

    return run


def live(model: type, integration: Integration) -> set[str]:
    return set(
        model.objects.filter(integration=integration, remote_deleted_at__isnull=True).values_list(  # type: ignore[attr-defined]
            "remote_id", flat=True
        )
    )


def app_id(application: dict[str, Any]) -> str:
    return f"{application['candidateId']}:{application['jobId']}"


def test_full_sync_of_everything_mirrors_the_emulator(
    sr_integration: Integration, emulator: Emulator, run_sync: Callable[..., SyncRun]
) -> None:
    sr_integration.sync_all_records = True
    sr_integration.save(update_fields=["sync_all_records"])
    state = emulator.state()

    run = run_sync(sr_integration)

    stats = emulator.control("GET", "/stats")
    assert stats["rateLimited"] == 0
    # After a full sync the integration fields are refreshed (GET /configuration/job-properties and
    # /configuration/candidate-properties): two calls outside the run's own count.
    assert run.upstream_calls == stats["totalRequests"] - 2
    assert live(m.AtsUser, sr_integration) == {user["id"] for user in state["users"]}
    assert live(m.Job, sr_integration) == {job["id"] for job in state["jobs"]}
    assert live(m.Candidate, sr_integration) == {candidate["id"] for candidate in state["candidates"]}
    assert live(m.Application, sr_integration) == {app_id(app) for app in state["applications"]}
    assert live(m.Offer, sr_integration) == {offer["id"] for offer in state["offers"]}
    assert live(m.Interview, sr_integration) == {interview["id"] for interview in state["interviews"]}
    assert live(m.Attachment, sr_integration) == {attachment["id"] for attachment in state["attachments"]}
    assert m.Note.objects.filter(integration=sr_integration).count() == len(state["messages"]) == 2
    assert live(m.RejectionReason, sr_integration) == {reason["id"] for reason in state["rejectionReasons"]}
    assert live(m.Tag, sr_integration) == {tag for candidate in state["candidates"] for tag in candidate["tags"]}
    for expected in state["applications"]:
        row = m.Application.objects.select_related("current_stage", "candidate", "job").get(
            integration=sr_integration, remote_id=app_id(expected)
        )
        assert row.outcome == OUTCOMES.get(expected["status"], "PENDING")
        assert (row.candidate.remote_id, row.job.remote_id) == (expected["candidateId"], expected["jobId"])
        assert row.remote_created_at == parse_datetime(expected["history"][0]["changedOn"])
        assert row.remote_updated_at == parse_datetime(expected["history"][-1]["changedOn"])
        if expected["status"] == "REJECTED":
            assert row.rejected_at == parse_datetime(expected["history"][-1]["changedOn"])
            assert row.rejection_reason.remote_id == expected["rejectionReasonId"]
        else:
            assert row.rejected_at is None
        pipeline = [change for change in expected["history"] if change["status"] not in ("REJECTED", "WITHDRAWN")]
        last = pipeline[-1]
        assert row.current_stage.remote_id == (
            f"{last['status']}:{last['subStatus']}" if last["subStatus"] else last["status"]
        )
    for interview in state["interviews"]:
        row = m.Interview.objects.get(integration=sr_integration, remote_id=interview["id"])
        assert row.application.remote_id == f"{interview['candidateId']}:{interview['jobId']}"
        assert set(row.interview_users.values_list("user__remote_id", flat=True)) == set(interview["interviewers"])
    job = m.Job.objects.get(integration=sr_integration, remote_id=state["jobs"][0]["id"])
    assert job.screening_questions.count() == 7
    assert job.job_postings.count() == 1
    assert job.hiring_team.count() == len(state["jobs"][0]["hiringTeam"])


def test_tracked_sync_reads_children_of_tracked_parents_only_and_marks_vanished_ones(
    sr_integration: Integration, emulator: Emulator, run_sync: Callable[..., SyncRun]
) -> None:
    # given two tracked applications, each with interviews
    state = emulator.state()
    with_interviews = list(dict.fromkeys(f"{i['candidateId']}:{i['jobId']}" for i in state["interviews"]))[:2]
    for remote_id in with_interviews:
        candidate = CandidateFactory(integration=sr_integration, remote_id=remote_id.split(":")[0])
        ApplicationFactory(
            integration=sr_integration, remote_id=remote_id, candidate=candidate, job=None, current_stage=None
        )
    tracked_candidates = {remote_id.split(":")[0] for remote_id in with_interviews}

    first = run_sync(sr_integration)

    interviews = {i["id"] for i in state["interviews"] if f"{i['candidateId']}:{i['jobId']}" in with_interviews}
    assert live(m.Interview, sr_integration) == interviews
    assert live(m.Offer, sr_integration) == {
        o["id"] for o in state["offers"] if f"{o['candidateId']}:{o['jobId']}" in with_interviews
    }
    assert live(m.Attachment, sr_integration) == {
        a["id"] for a in state["attachments"] if f"{a['candidateId']}:{a['jobId']}" in with_interviews
    }
    assert set(m.Note.objects.filter(integration=sr_integration).values_list("candidate__remote_id", flat=True)) <= (
        tracked_candidates
    )
    assert live(m.Candidate, sr_integration) == tracked_candidates
    assert first.deleted == 0

    # when one of those interviews is deleted in SmartRecruiters and a FULL sync runs again
    gone = sorted(interviews)[0]
    emulator.api("DELETE", f"/interviews/{gone}")
    second = run_sync(sr_integration)

    # then exactly that interview is marked vanished
    assert live(m.Interview, sr_integration) == interviews - {gone}
    assert m.Interview.objects.get(integration=sr_integration, remote_id=gone).remote_deleted_at is not None
    assert second.deleted == 1

    # when one tracked application moves and a DELTA runs, only its candidate is visited
    candidate_id, job_id = with_interviews[0].split(":")
    emulator.move(candidate_id, job_id, "OFFERED", subStatus="Offer sent")
    delta = run_sync(sr_integration, SyncRun.Type.DELTA)

    row = m.Application.objects.get(integration=sr_integration, remote_id=with_interviews[0])
    assert (delta.type, row.current_stage.remote_id) == ("DELTA", "OFFERED:Offer sent")
    assert delta.model_checkpoints.get(model="ats_applications").fetched == 1
    assert delta.upstream_calls < first.upstream_calls
