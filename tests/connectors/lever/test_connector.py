"""The Lever connector against its emulator: scope tests, reads, both create paths, attribution, the existing
contact's sources, and every write's effect in the emulator's state."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import (
    ApplicationRef,
    AttachmentInput,
    CandidateInput,
    CreateApplicationInput,
    RemoteApplication,
    RemoteAttachment,
    RemoteCandidate,
    RemoteInterview,
    RemoteJob,
    RemoteOffer,
    RemoteScorecard,
    ResultLinkInput,
    ScreeningAnswerInput,
    SourceInstruction,
)
from apps.connectors.errors import ConnectorPermissionError
from apps.connectors.lever.emulator import ADMIN_ID
from apps.connectors.lever.emulator.seed import RECRUITER_ID
from tests.connectors.lever.conftest import LV
from tests.connectors.lever.harness import NEW_APPLICANT, NEW_LEAD, OPEN_POSTING, lever_connector

PDF = AttachmentInput(name="cv.pdf", type="CV", content_type="application/pdf", data=b"%PDF-1.4\n")
LETTER = AttachmentInput("letter.txt", "COVER_LETTER", "text/plain", b"hi")
F = "9653a1f0-000{}-4000-8000-00000000000{}"
ANSWERS = (
    ScreeningAnswerInput(F.format(1, 1), "TEXT", "Ten years"),
    ScreeningAnswerInput(F.format(2, 2), "TEXT", "Jay"),
    ScreeningAnswerInput(F.format(3, 3), "SINGLE_SELECT", "Late"),
    ScreeningAnswerInput(F.format(4, 4), "SINGLE_SELECT", "Over 5 years"),
    ScreeningAnswerInput("1d27c0de-0005-4000-8000-000000000005", "MULTI_SELECT", ("Ruby", "Python")),
    ScreeningAnswerInput(F.format(6, 6), "TEXT", "TU Berlin"),
    ScreeningAnswerInput(F.format(7, 7), "FILE", AttachmentInput("p.pdf", "OTHER", "application/pdf", b"%PDF p")),
)
SOURCE = SourceInstruction(name="Tributary Board")


def _input(
    email: str, *, answers: tuple[ScreeningAnswerInput, ...] = ANSWERS, **extra: object
) -> CreateApplicationInput:
    return CreateApplicationInput(
        job_remote_id=OPEN_POSTING,
        candidate=CandidateInput(first_name="Jane", last_name="Doe", email_address=email, phone_number="+49 30 1"),
        attachments=(PDF, LETTER), screening_answers=answers, source=SOURCE, **extra,  # type: ignore[arg-type]
    )  # fmt: skip


def _stored(lv: LV, opportunity: str) -> dict:
    return next(o for o in lv.state()["opportunities"] if o["id"] == opportunity)


@pytest.mark.parametrize(
    ("scopes", "passes"),
    [(["postings:read:admin"], {"postings:read:admin"}), (["users:read:admin", "stages:read:admin"],
                                                          {"users:read:admin", "stages:read:admin"})],
)  # fmt: skip
def test_one_scope_test_per_permission(lv: LV, scopes: list[str], passes: set[str]) -> None:
    lv.control("POST", "/api-keys", json={"key": "scoped", "scopes": scopes})
    connector = lever_connector(lv.url, key="scoped")
    results = {}
    for test in connector.scope_tests:
        try:
            connector.run_scope_test(test.id)
            results[test.id] = True
        except ConnectorPermissionError:
            results[test.id] = False
    assert len(results) == 5
    assert {key for key, ok in results.items() if ok} == passes


def test_postings_read_as_jobs_with_global_stages_and_every_question_format(lv: LV) -> None:
    jobs = [j for j in lever_connector(lv.url).read(ReadModel.JOBS).items if isinstance(j, RemoteJob)]
    assert [(j.name, j.status) for j in jobs] == [("Engineer 1", "OPEN"), ("Engineer 2", "OPEN"),
                                                  ("Engineer 3", "CLOSED")]  # fmt: skip
    job = jobs[0]
    assert [s.name for s in job.stages] == ["New lead", "New applicant", "Recruiter screen", "On-site interview",
                                            "Offer"]  # fmt: skip
    assert [(q.format_type, q.format_details["lever_type"], q.required) for q in job.screening_questions] == [
        ("TEXT", "textarea", True), ("TEXT", "text", False), ("SINGLE_SELECT", "dropdown", False),
        ("SINGLE_SELECT", "multiple-choice", False), ("MULTI_SELECT", "multiple-select", False),
        ("TEXT", "university", False), ("FILE", "file-upload", False),
    ]  # fmt: skip
    assert [o.name for o in job.screening_questions[4].options] == ["JavaScript", "Ruby", "Python"]
    assert (job.salary_amount_from, job.salary_currency, job.remote_work_status) == (60000, "EUR", "HYBRID")


def test_create_with_answers_uses_the_apply_api_with_our_source_and_origin(lv: LV) -> None:
    connector = lever_connector(lv.url)
    result = connector.create_application(_input("jane@example.com"))
    application = result.application
    assert (application.outcome, application.current_stage_remote_id, application.source) == (
        "PENDING", NEW_APPLICANT, "Tributary Board")  # fmt: skip
    assert result.candidate_existed is False
    stored = _stored(lv, application.remote_id)
    assert (stored["sources"], stored["origin"]) == (["Tributary Board"], "applied")
    assert [r["file"]["name"] for r in stored["resumes"]] == ["cv.pdf"]
    assert [f["name"] for f in stored["files"]] == ["letter.txt"]  # the other file, added after the apply
    values = [f["value"] for f in stored["applications"][0]["customQuestions"][0]["fields"]]
    assert values[:6] == ["Ten years", "Jay", "Late", "Over 5 years", ["Ruby", "Python"], "TU Berlin"]
    assert values[6]["filename"] == "p.pdf"
    source = connector.read_application_source(application_remote_id=application.remote_id)
    assert source is not None
    assert source.label == "Tributary Board"
    [read] = connector.read(ReadModel.APPLICATIONS, remote_ids=[application.remote_id]).items
    assert isinstance(read, RemoteApplication)
    assert [(a.type, a.value) for a in read.screening_question_answers][:3] == [
        ("TEXT", "Ten years"), ("TEXT", "Jay"), ("SINGLE_SELECT", "Late")]  # fmt: skip


def test_create_without_answers_uses_post_opportunities_multipart_with_resume_file(lv: LV) -> None:
    connector = lever_connector(lv.url)
    result = connector.create_application(_input("noanswers@example.com", answers=()))
    stored = _stored(lv, result.application.remote_id)
    assert (stored["sources"], stored["origin"], stored["stage"]) == (["Tributary Board"], "applied", NEW_LEAD)
    assert stored["owner"] == ADMIN_ID  # perform_as: the first super admin
    assert [r["file"]["name"] for r in stored["resumes"]] == ["cv.pdf"]
    assert [f["name"] for f in stored["files"]] == ["letter.txt"]
    assert stored["phones"] == [{"type": "other", "value": "+49 30 1"}]


@pytest.mark.parametrize("answers", [ANSWERS, ()], ids=["apply-api", "post-opportunities"])
def test_an_existing_contacts_opportunity_keeps_its_sources_while_ours_carries_ours(
    lv: LV, answers: tuple[ScreeningAnswerInput, ...]
) -> None:
    """Must-show of issue 16, asserted in the emulator's state, on both create paths."""
    seeded = lv.post("/opportunities", params={"perform_as": RECRUITER_ID}, json={
        "name": "Known Person", "emails": ["known@example.com"], "postings": ["005e1ec7-0000-0000-0000-000000000002"],
        "sources": ["LinkedIn", "Referral"], "origin": "referred"}).json()["data"]  # fmt: skip
    connector = lever_connector(lv.url)

    result = connector.create_application(_input("KNOWN@example.com", answers=answers))

    assert result.candidate_existed is True
    assert result.candidate.remote_id == seeded["contact"]
    state = lv.state()
    old = next(o for o in state["opportunities"] if o["id"] == seeded["id"])
    new = next(o for o in state["opportunities"] if o["id"] == result.application.remote_id)
    assert (old["sources"], old["origin"], old["updatedAt"]) == (["LinkedIn", "Referral"], "referred",
                                                                 seeded["updatedAt"])  # fmt: skip
    assert (new["sources"], new["origin"], new["contact"]) == (["Tributary Board"], "applied", seeded["contact"])
    assert [c["name"] for c in state["contacts"] if c["id"] == seeded["contact"]] == ["Known Person"]
    candidate_source = connector.read_candidate_source(seeded["contact"])
    assert candidate_source is not None
    assert candidate_source.label == "LinkedIn"


def test_move_reject_note_tags_attachment_and_link_reach_the_emulator(lv: LV) -> None:
    connector = lever_connector(lv.url)
    created = connector.create_application(_input("move@example.com"))
    ref = ApplicationRef(remote_id=created.application.remote_id, candidate_remote_id=created.candidate.remote_id)
    stage = "00922a60-7c15-422b-b086-f62000824fd7"
    connector.move_application_stage(ref, stage_remote_id=stage, remote_fields={"perform_as": RECRUITER_ID})
    connector.add_application_note(ref, content="Strong", content_type="PLAIN_TEXT", remote_fields={})
    connector.add_candidate_tag(created.candidate.remote_id, name="python", remote_fields={})
    connector.add_candidate_tag(created.candidate.remote_id, name="python", remote_fields={})
    connector.add_candidate_tag(created.candidate.remote_id, name="go", remote_fields={})
    connector.remove_candidate_tag(created.candidate.remote_id, name="GO", remote_fields={})
    file = AttachmentInput("test.pdf", "OTHER", "application/pdf", b"%PDF")
    assert connector.add_application_attachment(ref, attachment=file, remote_fields={}).warnings == ()
    link = connector.add_application_result_link(
        ref, link=ResultLinkInput(label="Assessment", url="https://tests.example/r/1"), remote_fields={}
    )
    assert link.warnings == ("link: Lever keeps links without a label; 'Assessment' was not written.",)
    reason = "63dd55b2-0001-4c1e-8f0e-6a2b1c3d4e01"
    connector.reject_application(ref, rejection_reason_remote_id=reason, note="Not now", remote_fields={})
    stored = _stored(lv, ref.remote_id)
    assert stored["stage"] == stage
    assert stored["stageChanges"][-1]["userId"] == RECRUITER_ID
    assert [(n["text"], n["user"]) for n in stored["notes"]] == [("Strong", ADMIN_ID), ("Not now", ADMIN_ID)]
    assert stored["tags"] == ["python"]
    assert [f["name"] for f in stored["files"]] == ["letter.txt", "test.pdf"]
    assert stored["links"] == ["https://tests.example/r/1"]
    assert stored["archived"]["reason"] == reason
    [application] = connector.read(ReadModel.APPLICATIONS, remote_ids=[ref.remote_id]).items
    assert isinstance(application, RemoteApplication)
    assert (application.outcome, application.current_stage_remote_id) == ("DECLINED", stage)
    assert (application.rejection_reason_remote_id, application.rejection_reason_name) == (reason, "Underqualified")
    [candidate] = connector.read(ReadModel.CANDIDATES, remote_ids=[created.candidate.remote_id]).items
    assert isinstance(candidate, RemoteCandidate)
    assert [t.name for t in candidate.tags] == ["python"]


def test_a_cv_on_an_existing_opportunity_is_a_file_with_a_warning(lv: LV) -> None:
    connector = lever_connector(lv.url)
    created = connector.create_application(_input("cv@example.com", answers=()))
    result = connector.add_application_attachment(
        ApplicationRef(remote_id=created.application.remote_id), attachment=PDF, remote_fields={}
    )
    assert result.warnings == (
        "attachment: Lever has no API to add a resume to an existing opportunity; the CV was added as a file.",
    )


@pytest.mark.parametrize(("reason", "outcome"), [("1630a8c4-0003-4c1e-8f0e-6a2b1c3d4e03", "HIRED"),
                                                 ("63dd55b2-0002-4c1e-8f0e-6a2b1c3d4e02", "DECLINED"),
                                                 (None, "PENDING")])  # fmt: skip
def test_outcome_follows_the_archive_reason_type(lv: LV, reason: str | None, outcome: str) -> None:
    connector = lever_connector(lv.url)
    created = connector.create_application(_input("outcome@example.com", answers=()))
    ref = ApplicationRef(remote_id=created.application.remote_id)
    connector.reject_application(ref, rejection_reason_remote_id="63dd55b2-0001-4c1e-8f0e-6a2b1c3d4e01", note=None,
                                 remote_fields={})  # fmt: skip
    lv.put(f"/opportunities/{ref.remote_id}/archived", json={"reason": reason})
    [application] = connector.read(ReadModel.APPLICATIONS, remote_ids=[ref.remote_id]).items
    assert isinstance(application, RemoteApplication)
    assert application.outcome == outcome
    assert application.rejection_reason_name == ("Withdrew" if outcome == "DECLINED" else None)


def test_account_lists_users_reasons_tags_and_stages(lv: LV) -> None:
    connector = lever_connector(lv.url)
    users = connector.read(ReadModel.USERS).items
    assert sorted((u.first_name, u.status) for u in users) == [  # type: ignore[attr-defined]
        ("Monica", "ACTIVE"), ("Rachel", "ACTIVE"), ("Ross", "INACTIVE")]  # fmt: skip
    reasons = connector.read(ReadModel.REJECTION_REASONS).items
    assert [r.name for r in reasons] == ["Underqualified", "Withdrew"]  # type: ignore[attr-defined]
    tags = connector.read(ReadModel.TAGS).items
    assert {t.remote_id for t in tags} <= {"Full-time", "Remote"}
    assert tags
    assert len(connector.read(ReadModel.APPLICATION_STAGES).items) == 5


def test_candidates_are_contacts_read_through_their_opportunities(lv: LV) -> None:
    connector = lever_connector(lv.url)
    candidates = connector.read(ReadModel.CANDIDATES).items
    contacts = {c["id"] for c in lv.state()["contacts"]}
    assert {c.remote_id for c in candidates} == contacts
    assert len(candidates) == len(contacts) == 4  # six opportunities, two contacts with two each


def test_per_opportunity_reads_offers_interviews_scorecards_notes_and_attachments(lv: LV) -> None:
    connector = lever_connector(lv.url)
    created = connector.create_application(_input("kids@example.com"))
    ref = ApplicationRef(remote_id=created.application.remote_id)
    connector.add_application_note(ref, content="Call back", content_type="PLAIN_TEXT", remote_fields={})
    opportunities = lv.state()["opportunities"]
    parents = [o["id"] for o in opportunities]
    with_interview = next(o for o in opportunities if o["interviews"])
    with_offer = next(o for o in opportunities if o["offers"])

    def read(model: ReadModel, **kwargs: object) -> list:
        return connector.read(model, parent_remote_ids=parents, **kwargs).items  # type: ignore[arg-type]

    [interview] = read(ReadModel.INTERVIEWS)[:1]
    assert isinstance(interview, RemoteInterview)
    assert (interview.application_remote_id, interview.title, interview.user_remote_ids) == (
        with_interview["id"], "On-site interview", (RECRUITER_ID,))  # fmt: skip
    assert (interview.ending_at - interview.starting_at).total_seconds() == 3600  # type: ignore[operator]
    [scorecard] = read(ReadModel.SCORECARDS)[:1]
    assert isinstance(scorecard, RemoteScorecard)
    assert (scorecard.interview_remote_id, scorecard.candidate_remote_id) == (interview.remote_id,
                                                                              with_interview["contact"])  # fmt: skip
    assert [(r.type, r.answer) for r in scorecard.responses][1:] == [("TEXT", "Solid fundamentals"), ("BOOLEAN", True)]
    [offer] = read(ReadModel.OFFERS)[:1]
    assert isinstance(offer, RemoteOffer)
    assert offer.application_remote_id == with_offer["id"]
    assert offer.employment_start_date is not None
    notes = read(ReadModel.NOTES)
    assert [(n.content_html, n.candidate_remote_id) for n in notes] == [("Call back", created.candidate.remote_id)]
    files = [a for a in read(ReadModel.ATTACHMENTS) if isinstance(a, RemoteAttachment)]
    assert sorted((a.file_name, a.type) for a in files) == [("cv.pdf", "CV"), ("letter.txt", "OTHER")]

    since = datetime.fromtimestamp(lv.state()["opportunities"][-1]["updatedAt"] / 1000 + 1, UTC)
    assert read(ReadModel.NOTES, updated_since=since) == []  # no opportunity changed since: nothing is read


def test_remote_fields_candidate_extends_the_opportunity_body_but_not_our_source(lv: LV) -> None:
    connector = lever_connector(lv.url)
    extra = {"candidate": {"tags": ["from-remote-fields"], "sources": ["Elsewhere"], "location": "Hamburg"}}
    result = connector.create_application(_input("rf@example.com", answers=(), remote_fields=extra))
    stored = _stored(lv, result.application.remote_id)
    assert (stored["tags"], stored["location"]) == (["from-remote-fields"], "Hamburg")
    assert stored["sources"] == ["Tributary Board"]  # the configured source is not replaced
