"""The Ashby connector against its emulator: attribution, syncToken deltas, outcomes, jobs, scope tests, writes."""

from __future__ import annotations

from datetime import date

import pytest

from apps.connectors.ashby.emulator import AshbyEmulator
from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import (
    ApplicationRef,
    AttachmentInput,
    CandidateInput,
    CreateApplicationInput,
    RemoteApplication,
    RemoteJob,
    ScreeningAnswerInput,
    SourceInstruction,
)
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.errors import ConnectorPermissionError
from tests.connectors.ashby.harness import AshbyHarness
from tests.connectors.contract import read_all

CV = AttachmentInput(name="cv.pdf", type="CV", content_type="application/pdf", data=b"%PDF-1.4\n")


@pytest.fixture
def harness(ashby_server: LoopbackServer, ashby_app: AshbyEmulator, ashby_clock: ManualClock) -> AshbyHarness:
    return AshbyHarness(ashby_server.url, ashby_clock)


def _apply(job: str, answers: tuple[ScreeningAnswerInput, ...], email: str, source: SourceInstruction | None):
    return CreateApplicationInput(
        job_remote_id=job,
        candidate=CandidateInput(first_name="Jane", last_name="Doe", email_address=email, phone_number="+49 30 1"),
        screening_answers=answers,
        attachments=(CV,),
        source=source,
    )


def test_screening_answers_go_through_the_form_and_the_application_carries_our_source_id(harness: AshbyHarness) -> None:
    ours = harness.control("POST", "/sources", json={"title": "Tributary", "sourceType": "Inbound"})
    connector = harness.connector()
    found = connector.find_source("Tributary")
    job, answers = harness.open_job()

    result = connector.create_application(
        _apply(job, answers, "screened@example.com", SourceInstruction(name="Tributary", remote_id=found.remote_id))
    )

    assert found.remote_id == ours["id"]
    assert found.type == "Inbound"
    [stored] = [a for a in harness.state()["applications"] if a["id"] == result.application.remote_id]
    assert stored["source"]["id"] == ours["id"]
    assert stored["appliedViaJobPostingId"] is not None  # it came through applicationForm.submit
    assert result.application.source == "Tributary"
    assert connector.read_application_source(application_remote_id=stored["id"]).remote_id == ours["id"]
    [candidate] = [c for c in harness.state()["candidates"] if c["id"] == result.candidate.remote_id]
    assert candidate["resumeFileHandle"]["name"] == "cv.pdf"
    assert result.warnings == ()


def test_without_answers_the_source_id_is_sent_on_candidate_and_application_create(harness: AshbyHarness) -> None:
    ours = harness.control("POST", "/sources", json={"title": "Tributary", "sourceType": "Inbound"})
    job, _ = harness.open_job()

    result = harness.connector().create_application(
        _apply(job, (), "direct@example.com", SourceInstruction(name="Tributary", remote_id=ours["id"]))
    )

    [stored] = [a for a in harness.state()["applications"] if a["id"] == result.application.remote_id]
    assert stored["source"]["id"] == ours["id"]
    assert stored["appliedViaJobPostingId"] is None
    assert result.candidate.source == "Tributary"
    assert (stored["status"], stored["currentInterviewStage"]["type"]) == ("Lead", "Lead")


def test_a_missing_source_is_not_found_and_the_create_says_so(harness: AshbyHarness) -> None:
    connector = harness.connector()
    job, answers = harness.open_job()

    result = connector.create_application(
        _apply(job, answers, "nosource@example.com", SourceInstruction(name="Tributary"))
    )

    assert connector.find_source("Tributary") is None
    assert connector.find_source("LinkedIn").label == "LinkedIn"
    assert len(result.warnings) == 1
    assert "Admin → Organization Setup → Candidate Sources" in result.warnings[0]


def test_a_delta_after_an_expired_sync_token_still_returns_every_changed_record(harness: AshbyHarness) -> None:
    connector = harness.connector()
    first, second, untouched = harness.seed(3)
    read_all(connector, ReadModel.CANDIDATES)  # a full read keeps the syncToken
    token = connector.sync_tokens[str(ReadModel.CANDIDATES)]
    since = harness.now()
    harness.change(first)
    harness.change(second)
    harness.control("POST", "/sync-tokens/expire")

    ids, _, _ = read_all(connector, ReadModel.CANDIDATES, updated_since=since)

    assert sorted(ids) == sorted([first, second])
    assert untouched not in ids
    assert connector.sync_tokens[str(ReadModel.CANDIDATES)] != token  # the fallback's full read left a new one


def test_a_delta_with_a_valid_sync_token_asks_only_for_changes(harness: AshbyHarness) -> None:
    connector = harness.connector()
    first, _second = harness.seed(2)
    read_all(connector, ReadModel.CANDIDATES)
    since = harness.now()
    harness.change(first)
    harness.control("DELETE", "/stats")

    ids, _, pages = read_all(connector, ReadModel.CANDIDATES, updated_since=since)

    assert ids == [first]
    assert pages == 1
    assert harness.control("GET", "/stats")["totalRequests"] == 1


def test_outcomes_rejection_reason_and_stage_follow_ashbys_status(harness: AshbyHarness) -> None:
    connector = harness.connector()
    job, answers = harness.open_job()
    created = connector.create_application(_apply(job, answers, "outcome@example.com", None))
    ref = ApplicationRef(remote_id=created.application.remote_id, candidate_remote_id=created.candidate.remote_id)
    [job_record] = connector.read(ReadModel.JOBS, remote_ids=[job]).items
    assert isinstance(job_record, RemoteJob)
    stages = {stage.name: stage.remote_id for stage in job_record.stages}
    [reason] = [r for r in connector.read(ReadModel.REJECTION_REASONS).items if r.name == "Position filled"]

    moved = connector.move_application_stage(ref, stage_remote_id=stages["Technical Interview"], remote_fields={})
    rejected = connector.reject_application(
        ref, rejection_reason_remote_id=reason.remote_id, note="Sorry", remote_fields={}
    )
    hired = connector.move_application_stage(ref, stage_remote_id=stages["Hired"], remote_fields={})

    assert created.application.outcome == "PENDING"
    assert (moved.application.outcome, moved.application.current_stage_remote_id) == (
        "PENDING",
        stages["Technical Interview"],
    )
    assert rejected.application.outcome == "DECLINED"
    assert rejected.application.rejection_reason_name == "Position filled"
    assert rejected.application.rejected_at is not None
    assert hired.application.outcome == "HIRED"
    assert [n["content"] for n in harness.state()["notes"] if n["candidateId"] == ref.candidate_remote_id] == ["Sorry"]


def test_jobs_carry_plan_stages_and_the_form_questions_of_every_format(harness: AshbyHarness) -> None:
    job, _ = harness.open_job()

    [record] = harness.connector().read(ReadModel.JOBS, remote_ids=[job]).items

    assert isinstance(record, RemoteJob)
    assert [s.name for s in record.stages] == [
        "New Lead",
        "Application Review",
        "Technical Interview",
        "Offer",
        "Hired",
        "Archived",
    ]
    formats = {q.remote_data["field"]["type"]: q.format_type for q in record.screening_questions}
    assert formats == {
        "ValueSelect": "SINGLE_SELECT",
        "Boolean": "BOOLEAN",
        "MultiValueSelect": "MULTI_SELECT",
        "Number": "NUMBER",
        "Date": "DATE",
        "LongText": "TEXT",
        "Url": "TEXT",
        "Score": "UNKNOWN",
        "RichText": "TEXT",
    }
    assert [q.required for q in record.screening_questions][:2] == [True, True]
    assert record.status == "OPEN"


def test_answers_of_every_format_are_stored_as_ashby_values(harness: AshbyHarness) -> None:
    connector = harness.connector()
    job, answers = harness.open_job()
    [record] = connector.read(ReadModel.JOBS, remote_ids=[job]).items
    assert isinstance(record, RemoteJob)
    by_type = {q.remote_data["field"]["type"]: q.remote_id for q in record.screening_questions}
    extra = (
        ScreeningAnswerInput(by_type["Url"], "TEXT", "https://jane.dev"),
        ScreeningAnswerInput(by_type["RichText"], "TEXT", "Dear team"),
        ScreeningAnswerInput(by_type["Score"], "UNKNOWN", 3),
    )

    connector.create_application(_apply(job, answers + extra, "formats@example.com", None))

    [instance] = harness.control("GET", "/state")["applications"][-1:]
    assert instance["candidate"]["name"] == "Jane Doe"
    submitted = next(iter(harness.app_forms().values()))
    assert submitted[by_type["MultiValueSelect"]] == ["Python", "Go"]
    assert submitted[by_type["Number"]] == 65000
    assert submitted[by_type["Date"]] == date(2025, 6, 1).isoformat()
    assert submitted[by_type["RichText"]] == {"type": "PlainText", "value": "Dear team"}
    assert submitted[by_type["Score"]] == {"score": 3}
    assert submitted[by_type["Boolean"]] is True


def test_tags_notes_and_files(harness: AshbyHarness) -> None:
    connector = harness.connector()
    [candidate_id] = harness.seed(1)
    connector.add_candidate_tag(candidate_id, name="priority", remote_fields={})
    again = connector.add_candidate_tag(candidate_id, name="priority", remote_fields={})
    note = connector.add_application_note(
        ApplicationRef(remote_id="unused", candidate_remote_id=candidate_id),
        content="<b>Great</b>",
        content_type="HTML",
        remote_fields={},
    )
    extra = AttachmentInput(name="letter.txt", type="OTHER", content_type="text/plain", data=b"hello")
    connector.add_candidate_attachment(candidate_id, attachment=extra, remote_fields={})

    [stored] = [c for c in harness.state()["candidates"] if c["id"] == candidate_id]
    assert [t.name for t in again.candidate.tags] == ["priority"]
    assert [t["title"] for t in harness.state()["tags"]].count("priority") == 1
    assert note.warnings
    assert [n["content"] for n in harness.state()["notes"] if n["candidateId"] == candidate_id] == ["<b>Great</b>"]
    assert [f["name"] for f in stored["fileHandles"]] == ["letter.txt"]
    assert stored["resumeFileHandle"] is None


@pytest.mark.parametrize(
    "permission",
    [
        "candidatesRead",
        "candidatesWrite",
        "jobsRead",
        "hiringProcessMetadataRead",
        "hiringProcessMetadataWrite",
        "organizationRead",
        "offersRead",
        "interviewsRead",
        "apiKeysRead",
        "apiKeysWrite",
    ],
)
def test_each_scope_test_passes_with_its_permission_and_fails_without(harness: AshbyHarness, permission: str) -> None:
    everything = [
        "jobsRead",
        "candidatesRead",
        "candidatesWrite",
        "hiringProcessMetadataRead",
        "hiringProcessMetadataWrite",
        "organizationRead",
        "offersRead",
        "interviewsRead",
        "apiKeysRead",
        "apiKeysWrite",
    ]
    harness.control(
        "POST", "/api-keys", json={"key": "without", "permissions": [p for p in everything if p != permission]}
    )
    harness.control("POST", "/api-keys", json={"key": "with", "permissions": [permission]})

    harness.key = "with"
    harness.connector().run_scope_test(permission)
    harness.key = "without"
    with pytest.raises(ConnectorPermissionError):
        harness.connector().run_scope_test(permission)


def test_applications_read_back_with_outcome_pending(harness: AshbyHarness) -> None:
    connector = harness.connector()
    job, answers = harness.open_job()
    created = connector.create_application(_apply(job, answers, "pending@example.com", None))

    [application] = connector.read(ReadModel.APPLICATIONS, remote_ids=[created.application.remote_id]).items

    assert isinstance(application, RemoteApplication)
    assert (application.outcome, application.job_remote_id) == ("PENDING", job)
