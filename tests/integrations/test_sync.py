"""The sync engine against the sandbox ATS, in this process, on PostgreSQL."""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import timedelta

import pytest
from django_q.models import Schedule

from apps.applications import models as m
from apps.connectors.sandbox.store import FaultKind, NewCandidate, SandboxStore
from apps.core.api.errors import ApiError
from apps.core.timeutils import utcnow
from apps.integrations.models import Integration, SyncRun, SyncRunModel, SyncSeenRecord
from apps.integrations.sync import (
    TASK_EXECUTE,
    RunOutcome,
    sync_run_execute,
    sync_run_request,
)

STORE_MODELS = {
    "users": m.AtsUser,
    "roles": m.Role,
    "tags": m.Tag,
    "rejection_reasons": m.RejectionReason,
    "jobs": m.Job,
    "candidates": m.Candidate,
    "applications": m.Application,
    "offers": m.Offer,
    "interviews": m.Interview,
    "notes": m.Note,
    "scorecards": m.Scorecard,
    "attachments": m.Attachment,
}
SyncFn = Callable[..., SyncRun]


@pytest.fixture
def sync_all(integration: Integration) -> Integration:
    integration.sync_all_records = True
    integration.save(update_fields=["sync_all_records"])
    return integration


def live_ids(model: type, integration: Integration) -> set[str]:
    return set(
        model.objects.filter(integration=integration, remote_deleted_at__isnull=True).values_list(
            "remote_id", flat=True
        )  # type: ignore[attr-defined]
    )


def test_full_sync_mirrors_every_model_of_the_sandbox(
    sync_all: Integration, store: SandboxStore, run_sync: SyncFn
) -> None:
    run = run_sync(sync_all)

    total = 0
    for store_model, model in STORE_MODELS.items():
        assert live_ids(model, sync_all) == set(store.ids(store_model)), store_model
        total += store.count(store_model)
    assert (run.status, run.type, run.fetched, run.created, run.updated, run.deleted) == (
        "SUCCEEDED", "FULL", total, total, 0, 0,
    )  # fmt: skip
    assert run.models_done == run.models_total == 12  # application stages come with the jobs
    assert set(run.model_checkpoints.values_list("status", flat=True)) == {"DONE"}
    assert sum(run.model_checkpoints.values_list("fetched", flat=True)) == total
    assert run.upstream_calls == sum(run.model_checkpoints.values_list("pages", flat=True))
    assert not SyncSeenRecord.objects.filter(run=run).exists()

    job = m.Job.objects.get(integration=sync_all, remote_id="job-000001")
    assert [link.stage.name for link in job.job_stages.order_by("index")] == [
        "Applied", "Screening", "Interview", "Offer", "Hired",
    ]  # fmt: skip
    assert job.screening_questions.count() == 10
    assert job.hiring_team.count() == 3
    for application in m.Application.objects.filter(integration=sync_all).select_related("current_stage", "candidate"):
        doc = store.get("applications", application.remote_id)
        assert doc is not None
        expected = {"hired": "HIRED", "rejected": "DECLINED"}.get(doc["status"], "PENDING")
        assert (application.outcome, application.current_stage.remote_id, application.candidate.remote_id) == (
            expected, doc["stage_id"], doc["candidate_id"],
        )  # fmt: skip
        assert application.tracked_at is None


def test_second_full_sync_writes_nothing(sync_all: Integration, store: SandboxStore, run_sync: SyncFn) -> None:
    first = run_sync(sync_all)
    changed_at = dict(m.Application.objects.filter(integration=sync_all).values_list("id", "changed_at"))

    second = run_sync(sync_all)

    assert (second.created, second.updated, second.deleted, second.unchanged) == (0, 0, 0, first.fetched)
    assert dict(m.Application.objects.filter(integration=sync_all).values_list("id", "changed_at")) == changed_at


def test_delta_after_time_passes_updates_outcomes_and_only_moves_changed_records(
    sync_all: Integration, store: SandboxStore, run_sync: SyncFn
) -> None:
    run_sync(sync_all)
    before = {
        remote_id: (outcome, changed_at)
        for remote_id, outcome, changed_at in m.Application.objects.filter(integration=sync_all).values_list(
            "remote_id", "outcome", "changed_at"
        )
    }

    summary = store.advance(steps=2)
    delta = run_sync(sync_all, SyncRun.Type.DELTA)

    after = {
        remote_id: (outcome, changed_at)
        for remote_id, outcome, changed_at in m.Application.objects.filter(integration=sync_all).values_list(
            "remote_id", "outcome", "changed_at"
        )
    }
    touched = set(summary.touched_application_ids)
    arrived = set(after) - set(before)
    assert len(arrived) == summary.arrived
    assert {rid for rid in before if after[rid][1] != before[rid][1]} == touched
    for remote_id in touched | arrived:
        doc = store.get("applications", remote_id)
        assert doc is not None
        assert after[remote_id][0] == {"hired": "HIRED", "rejected": "DECLINED"}.get(doc["status"], "PENDING")
    decided = {rid for rid in before if before[rid][0] == "PENDING" and after[rid][0] != "PENDING"}
    assert len(decided) == summary.hired + summary.rejected
    vanished = set(
        m.Note.objects.filter(integration=sync_all, remote_deleted_at__isnull=False).values_list("remote_id", flat=True)
    )
    assert len(vanished) == summary.vanished
    assert vanished.isdisjoint(store.ids("notes"))
    assert delta.type == "DELTA"
    assert delta.deleted == summary.vanished


def test_full_sync_marks_what_vanished_and_revives_what_came_back(
    sync_all: Integration, store: SandboxStore, run_sync: SyncFn
) -> None:
    run_sync(sync_all)
    note_id, candidate_id = store.ids("notes")[0], store.ids("candidates")[-1]
    note_doc = store.get("notes", note_id)
    store.delete("notes", note_id)
    store.delete("candidates", candidate_id)  # takes its applications, notes, ... along
    gone_with_candidate = m.Application.objects.filter(integration=sync_all, candidate__remote_id=candidate_id).count()

    full = run_sync(sync_all)

    note = m.Note.objects.get(integration=sync_all, remote_id=note_id)
    candidate = m.Candidate.objects.get(integration=sync_all, remote_id=candidate_id)
    assert note.remote_deleted_at is not None
    assert note.changed_at == note.remote_deleted_at
    assert candidate.remote_deleted_at is not None
    assert (
        m.Application.objects.filter(integration=sync_all, candidate=candidate, remote_deleted_at__isnull=False).count()
        == gone_with_candidate
    )
    deleted_rows = sum(
        model.objects.filter(integration=sync_all, remote_deleted_at__isnull=False).count()  # type: ignore[attr-defined]
        for model in STORE_MODELS.values()
    )
    assert full.deleted == deleted_rows == 1 + 1 + store_deleted_with(store, candidate_id)

    assert note_doc is not None
    store.put("notes", note_doc, candidate_id=note_doc["candidate_id"], application_id=note_doc["application_id"])
    run_sync(sync_all)
    note.refresh_from_db()
    assert note.remote_deleted_at is None


def store_deleted_with(store: SandboxStore, candidate_id: str) -> int:
    """Records of the candidate that vanished with it (the sandbox cascades; the note deleted first excluded)."""
    rows = store._db.execute(  # noqa: SLF001 - a test reading the sandbox's own state
        "SELECT COUNT(*) FROM records WHERE candidate_id = ? AND deleted_at IS NOT NULL AND model != 'candidates'",
        (candidate_id,),
    ).fetchone()
    return int(rows[0])


def test_child_and_join_rows_are_soft_deleted_with_changed_at(
    sync_all: Integration, store: SandboxStore, run_sync: SyncFn
) -> None:
    run_sync(sync_all)
    candidate_id = next(c for c in store.ids("candidates") if store.get("candidates", c)["tags"])  # type: ignore[index]
    tag_name = store.get("candidates", candidate_id)["tags"][0]["name"]  # type: ignore[index]
    job_doc = store.get("jobs", "job-000001")
    assert job_doc is not None
    candidate = m.Candidate.objects.get(integration=sync_all, remote_id=candidate_id)
    link = m.CandidateTag.objects.get(candidate=candidate, tag__name=tag_name)
    question = m.ScreeningQuestion.objects.get(job__remote_id="job-000001", remote_id="q-000001-9")

    store.remove_candidate_tag(candidate_id=candidate_id, name=tag_name)
    store.touch(
        "jobs", "job-000001", screening_questions=[q for q in job_doc["screening_questions"] if q["id"] != "q-000001-9"]
    )
    run_sync(sync_all, SyncRun.Type.DELTA)

    link_after = m.CandidateTag.objects.get(pk=link.pk)
    question_after = m.ScreeningQuestion.objects.get(pk=question.pk)
    assert link_after.remote_deleted_at is not None
    assert link_after.changed_at == link_after.remote_deleted_at > link.changed_at
    assert question_after.remote_deleted_at is not None
    assert question_after.changed_at > question.changed_at
    assert m.ScreeningQuestion.objects.filter(job__remote_id="job-000001", remote_deleted_at__isnull=True).count() == 9


def test_a_raw_change_without_unified_change_keeps_changed_at(
    sync_all: Integration, store: SandboxStore, run_sync: SyncFn
) -> None:
    run_sync(sync_all)
    candidate_id = store.ids("candidates")[0]
    doc = store.get("candidates", candidate_id)
    assert doc is not None
    before = m.Candidate.objects.get(integration=sync_all, remote_id=candidate_id)

    # A field Tributary does not map changes; the record shows up in the delta all the same.
    store.put("candidates", {**doc, "internal_rating": 4}, updated_at=utcnow())
    delta = run_sync(sync_all, SyncRun.Type.DELTA)

    after = m.Candidate.objects.get(pk=before.pk)
    assert (delta.fetched, delta.updated, delta.unchanged) == (1, 0, 1)
    assert after.changed_at == before.changed_at
    assert after.content_hash[:32] == before.content_hash[:32]
    assert after.content_hash[32:] != before.content_hash[32:]
    assert after.remote_data["internal_rating"] == 4


def track(integration: Integration, store: SandboxStore, email: str) -> tuple[str, str]:
    """Create an application in the sandbox and the tracked rows the write path would store for it."""
    created = store.create_application(
        job_id="job-000001", candidate=NewCandidate("Tracy", "Tracked", email), source="Acme Jobs"
    )
    candidate = m.Candidate.objects.create(
        integration=integration, remote_id=created.candidate["id"], tracked_at=utcnow(), tracked_via="CREATED"
    )
    m.Application.objects.create(
        integration=integration, remote_id=created.application["id"], candidate=candidate, tracked_at=utcnow(),
        tracked_via="CREATED",
    )  # fmt: skip
    return created.candidate["id"], created.application["id"]


def test_only_tracked_candidates_and_applications_are_synced_by_default(
    integration: Integration, store: SandboxStore, run_sync: SyncFn
) -> None:
    candidate_id, application_id = track(integration, store, "tracy@example.com")
    store.add_application_note(application_id=application_id, content="Strong profile")
    store.move_application_stage(application_id=application_id, stage_id="stage-000001-2")

    full = run_sync(integration)

    assert live_ids(m.Candidate, integration) == {candidate_id}
    assert live_ids(m.Application, integration) == {application_id}
    assert live_ids(m.Job, integration) == set(store.ids("jobs"))
    assert [n.content_html for n in m.Note.objects.filter(integration=integration)] == ["<p>Strong profile</p>"]
    application = m.Application.objects.select_related("current_stage", "candidate").get(remote_id=application_id)
    assert (application.outcome, application.current_stage.name, application.candidate.first_name) == (
        "PENDING", "Interview", "Tracy",
    )  # fmt: skip
    assert application.tracked_via == "CREATED"
    checkpoint = full.model_checkpoints.get(model="ats_applications")
    assert (checkpoint.fetched, checkpoint.pages) == (1, 1)

    store.reject_application(application_id=application_id, rejection_reason_id="rr-01")
    run_sync(integration, SyncRun.Type.DELTA)
    application.refresh_from_db()
    assert (application.outcome, application.rejection_reason_name) == ("DECLINED", "Not enough experience")

    store.delete("applications", application_id)
    run_sync(integration, SyncRun.Type.FULL)
    application.refresh_from_db()
    assert application.remote_deleted_at is not None


def test_changing_the_scope_turns_the_next_delta_into_a_full_sync(
    integration: Integration, store: SandboxStore, run_sync: SyncFn
) -> None:
    run_sync(integration)
    integration.sync_all_records = True
    integration.save(update_fields=["sync_all_records"])

    run = run_sync(integration, SyncRun.Type.DELTA)

    assert (run.type, run.sync_all, run.updated_since) == ("FULL", True, None)
    assert live_ids(m.Application, integration) == set(store.ids("applications"))


def test_time_budget_hands_over_page_by_page_without_loss(sync_all: Integration, store: SandboxStore) -> None:
    run, _ = sync_run_request(integration=sync_all, type="FULL", trigger="COMMAND", enqueue=False)
    outcomes = [sync_run_execute(run_id=run.id, time_budget=0, enqueue_continuation=False)]
    while outcomes[-1] == RunOutcome.CONTINUED:
        run.refresh_from_db()
        outcomes.append(
            sync_run_execute(run_id=run.id, token=run.claim_token, time_budget=0, enqueue_continuation=False)
        )

    run.refresh_from_db()
    pages = sum(run.model_checkpoints.values_list("pages", flat=True))
    total = sum(store.count(name) for name in STORE_MODELS)
    assert outcomes == [RunOutcome.CONTINUED] * (pages - 1) + [RunOutcome.SUCCEEDED]
    assert (run.status, run.fetched, run.created, run.attempts) == ("SUCCEEDED", total, total, 1)
    assert live_ids(m.Application, sync_all) == set(store.ids("applications"))


def test_a_worker_that_lost_its_claim_writes_nothing_more(sync_all: Integration, store: SandboxStore) -> None:
    run, _ = sync_run_request(integration=sync_all, type="FULL", trigger="COMMAND", enqueue=False)

    def taken_over(current: SyncRun) -> None:
        SyncRun.objects.filter(id=current.id).update(claim_token="someone-else")

    outcome = sync_run_execute(run_id=run.id, time_budget=float("inf"), progress=taken_over)

    run.refresh_from_db()
    first = run.model_checkpoints.get(position=0)
    assert outcome == RunOutcome.LOST
    assert (run.status, run.fetched, first.model, first.pages) == ("RUNNING", first.fetched, "ats_roles", 1)
    assert m.AtsUser.objects.filter(integration=sync_all).count() == 0  # the second page was rolled back


def test_rate_limit_keeps_the_claim_and_schedules_the_resume(sync_all: Integration, store: SandboxStore) -> None:
    run, _ = sync_run_request(integration=sync_all, type="FULL", trigger="COMMAND", enqueue=False)
    store.inject_fault(FaultKind.RATE_LIMITED, retry_after=30)
    before = utcnow()

    outcome = sync_run_execute(run_id=run.id, time_budget=float("inf"))

    run.refresh_from_db()
    schedule = Schedule.objects.get(func=TASK_EXECUTE)
    run_id, token = ast.literal_eval(schedule.args)
    assert outcome == RunOutcome.RETRY_LATER
    assert (run.status, run.retries, run_id, token) == ("RUNNING", 1, run.id, run.claim_token)
    assert schedule.next_run == run.not_before == run.heartbeat_at
    assert before + timedelta(seconds=30) <= run.not_before <= utcnow() + timedelta(seconds=30)
    assert run.error == "The sandbox is rate limiting (injected). (ATS: Too many requests.)"

    assert sync_run_execute(run_id=run_id, token=token, time_budget=float("inf")) == RunOutcome.SUCCEEDED
    run.refresh_from_db()
    assert (run.status, run.retries) == ("SUCCEEDED", 0)


def test_auth_failure_fails_the_run_and_marks_the_integration_invalid(
    sync_all: Integration, store: SandboxStore
) -> None:
    store.set_api_key("required-key")
    run, _ = sync_run_request(integration=sync_all, type="FULL", trigger="COMMAND", enqueue=False)

    outcome = sync_run_execute(run_id=run.id, time_budget=float("inf"))

    run.refresh_from_db()
    sync_all.refresh_from_db()
    assert outcome == RunOutcome.FAILED
    assert (run.status, run.error) == ("FAILED", "The sandbox rejected the API key. (ATS: Bad key.)")
    assert (sync_all.state, sync_all.last_error) == ("INVALID", "The sandbox rejected the API key. (ATS: Bad key.)")


def test_requests_queue_at_most_one_run_behind_the_running_one(integration: Integration) -> None:
    first, first_queued = sync_run_request(integration=integration, type="FULL", trigger="API", enqueue=False)
    again, again_queued = sync_run_request(integration=integration, type="DELTA", trigger="API", enqueue=False)
    SyncRun.objects.filter(id=first.id).update(status=SyncRun.Status.RUNNING, claim_token="t", heartbeat_at=utcnow())
    second, second_queued = sync_run_request(integration=integration, type="DELTA", trigger="API", enqueue=False)
    third, third_queued = sync_run_request(integration=integration, type="FULL", trigger="API", enqueue=False)

    assert (first_queued, again.id, again_queued) == (False, first.id, True)
    assert (second_queued, third.id, third_queued) == (False, second.id, True)
    assert sync_run_execute(run_id=second.id) == RunOutcome.NOT_CLAIMED  # the integration is busy
    second.refresh_from_db()
    assert second.status == "QUEUED"
    integration.enabled = False
    integration.save(update_fields=["enabled"])
    with pytest.raises(ApiError, match="disabled"):
        sync_run_request(integration=integration, type="FULL", trigger="API")


def test_a_run_whose_worker_stopped_beating_is_taken_over(sync_all: Integration, store: SandboxStore) -> None:
    run, _ = sync_run_request(integration=sync_all, type="FULL", trigger="COMMAND", enqueue=False)
    SyncRun.objects.filter(id=run.id).update(
        status=SyncRun.Status.RUNNING, claim_token="dead-worker", attempts=1, heartbeat_at=utcnow() - timedelta(hours=1)
    )

    assert sync_run_execute(run_id=run.id, stale=timedelta(hours=2)) == RunOutcome.NOT_CLAIMED
    assert sync_run_execute(run_id=run.id, stale=timedelta(minutes=10), time_budget=float("inf")) == (
        RunOutcome.SUCCEEDED
    )
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("SUCCEEDED", 2)
    assert SyncRunModel.objects.filter(run=run, status="DONE").count() == 12
