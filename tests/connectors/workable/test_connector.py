"""The Workable connector against its emulator: scopes, subdomain, reads, attribution and every write's effect."""

from __future__ import annotations

from datetime import date

import pytest

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import (
    ApplicationRef,
    AttachmentInput,
    CandidateInput,
    CreateApplicationInput,
    RemoteApplication,
    RemoteJob,
    ResultLinkInput,
    ScreeningAnswerInput,
    SourceInstruction,
)
from apps.connectors.errors import ConnectorInputError, ConnectorNotFound, ConnectorPermissionError
from apps.connectors.workable.connector import WorkableConnector
from apps.connectors.workable.emulator import MEMBER_ID
from tests.connectors.workable.conftest import WK
from tests.connectors.workable.harness import OPEN_JOB, workable_connector

PDF = AttachmentInput(name="cv.pdf", type="CV", content_type="application/pdf", data=b"%PDF-1.4\n")
ANSWERS = (
    ScreeningAnswerInput("2128d717", "TEXT", "Planning"),
    ScreeningAnswerInput("2128d718", "TEXT", "Jay"),
    ScreeningAnswerInput("3399e6cd", "SINGLE_SELECT", "1e477229"),
    ScreeningAnswerInput("3399e6ce", "MULTI_SELECT", ("4049114a", "4e477229")),
    ScreeningAnswerInput("1d3f348f", "BOOLEAN", True),
    ScreeningAnswerInput("1d3f3490", "SINGLE_SELECT", "5a2"),
    ScreeningAnswerInput("6b01", "NUMBER", 4.5),
    ScreeningAnswerInput("6b02", "DATE", date(2025, 5, 1)),
    ScreeningAnswerInput("5dc1dc", "FILE", AttachmentInput("p.pdf", "OTHER", "application/pdf", b"%PDF")),
)


def _input(email: str = "jane@example.com", **extra: object) -> CreateApplicationInput:
    return CreateApplicationInput(
        job_remote_id=OPEN_JOB,
        candidate=CandidateInput(first_name="Jane", last_name="Doe", email_address=email, phone_number="+34 600"),
        attachments=(PDF, AttachmentInput("letter.txt", "COVER_LETTER", "text/plain", b"hi")),
        screening_answers=ANSWERS,
        source=SourceInstruction(name="Tributary Board"),
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("scopes", "passes"),
    [
        (["r_jobs"], {"r_jobs"}),
        (["r_candidates"], {"r_candidates"}),
        (["w_candidates"], {"w_candidates"}),
        (["w_comments"], {"w_comments"}),
        (["r_offers"], {"r_offers"}),
        (["r_jobs", "r_candidates", "w_candidates", "w_comments", "r_offers"],
         {"r_jobs", "r_candidates", "w_candidates", "w_comments", "r_offers"}),
    ],
)  # fmt: skip
def test_one_scope_test_per_scope(wk: WK, scopes: list[str], passes: set[str]) -> None:
    wk.control("POST", "/api-keys", json={"key": "scoped", "scopes": scopes})
    connector = workable_connector(wk.url, token="scoped")
    before = wk.state()["counts"]
    results = {}
    for test in connector.scope_tests:
        try:
            connector.run_scope_test(test.id)
            results[test.id] = True
        except ConnectorPermissionError:
            results[test.id] = False
    assert {key for key, ok in results.items() if ok} == passes
    assert set(results) == {"r_jobs", "r_candidates", "w_candidates", "w_comments", "r_offers"}
    assert wk.state()["counts"] == before  # the probes wrote nothing


def test_the_subdomain_is_part_of_the_connection(wk: WK) -> None:
    with pytest.raises(ConnectorNotFound):
        workable_connector(wk.url, subdomain="other").verify_credentials()
    with pytest.raises(ConnectorInputError):
        workable_connector(wk.url, subdomain="a/b").verify_credentials()


def test_jobs_read_with_stages_and_every_question_format(wk: WK) -> None:
    jobs = workable_connector(wk.url).read(ReadModel.JOBS).items
    assert [(j.remote_id, j.status) for j in jobs if isinstance(j, RemoteJob)] == [
        ("9CD658E13F", "OPEN"), ("9CD658E140", "OPEN"), ("9CD658E141", "CLOSED")]  # fmt: skip
    job = jobs[0]
    assert isinstance(job, RemoteJob)
    assert [s.remote_id for s in job.stages] == ["sourced", "applied", "phone-screen", "interview", "offer", "hired"]
    assert [(q.remote_id, q.format_type, q.required) for q in job.screening_questions] == [
        ("2128d717", "TEXT", True), ("2128d718", "TEXT", False), ("3399e6cd", "SINGLE_SELECT", False),
        ("3399e6ce", "MULTI_SELECT", False), ("1d3f348f", "BOOLEAN", False), ("1d3f3490", "SINGLE_SELECT", False),
        ("6b01", "NUMBER", False), ("6b02", "DATE", False), ("5dc1dc", "FILE", False),
    ]  # fmt: skip
    assert job.screening_questions[8].format_details == {
        "supported_file_types": ["pdf", "docx"],
        "max_file_size": 20971520,
    }


def test_create_writes_source_answers_resume_and_warns_about_other_files(wk: WK) -> None:
    connector = workable_connector(wk.url)
    result = connector.create_application(_input())
    assert result.application.outcome == "PENDING"
    assert result.application.current_stage_remote_id == "applied"
    assert result.application.source == "Tributary Board"
    assert result.warnings == ("attachments: letter.txt: Workable takes only the resume on create; not written.",)
    stored = next(c for c in wk.state()["candidates"] if c["id"] == result.candidate.remote_id)
    assert (stored["domain"], stored["sourced"], stored["stage_slug"]) == ("Tributary Board", False, "applied")
    assert stored["resume"] == {"name": "cv.pdf", "data": "JVBERi0xLjQK"}
    assert stored["raw_answers"] == [
        {"question_key": "2128d717", "body": "Planning"}, {"question_key": "2128d718", "body": "Jay"},
        {"question_key": "3399e6cd", "choices": ["1e477229"]},
        {"question_key": "3399e6ce", "choices": ["4049114a", "4e477229"]},
        {"question_key": "1d3f348f", "checked": True}, {"question_key": "1d3f3490", "choices": ["5a2"]},
        {"question_key": "6b01", "value": 4.5}, {"question_key": "6b02", "date": "2025-05-01"},
        {"question_key": "5dc1dc", "data": "JVBERg=="},
    ]  # fmt: skip
    source = connector.read_application_source(application_remote_id=result.application.remote_id)
    assert source is not None
    assert source.label == "Tributary Board"


def test_move_reject_note_and_tags_reach_the_emulator(wk: WK) -> None:
    connector = workable_connector(wk.url)
    created = connector.create_application(_input("move@example.com"))
    ref = ApplicationRef(remote_id=created.application.remote_id, candidate_remote_id=created.candidate.remote_id)
    connector.move_application_stage(ref, stage_remote_id="interview", remote_fields={})
    connector.add_application_note(
        ref, content="Strong", content_type="PLAIN_TEXT", remote_fields={"on_behalf_of_user_remote_id": "1f3961"}
    )
    connector.add_candidate_tag(ref.remote_id, name="python", remote_fields={})
    connector.add_candidate_tag(ref.remote_id, name="python", remote_fields={})
    connector.add_candidate_tag(ref.remote_id, name="go", remote_fields={})
    connector.remove_candidate_tag(ref.remote_id, name="GO", remote_fields={})
    result = connector.reject_application(ref, rejection_reason_remote_id="b29c63", note="x" * 300, remote_fields={})
    assert result.warnings == ("note: Workable keeps 256 characters of a disqualification note; the rest was cut.",)
    stored = next(c for c in wk.state()["candidates"] if c["id"] == ref.remote_id)
    assert stored["moves"] == [{"from": "applied", "to": "interview", "member_id": MEMBER_ID}]
    assert [(c["body"], c["member"]["id"]) for c in stored["comments"]] == [("Strong", "1f3961")]
    assert stored["tags"] == ["python"]
    assert (stored["disqualified"], stored["disqualification_reason"]) == (True, "Doesn't have required qualifications")
    [application] = connector.read(ReadModel.APPLICATIONS, remote_ids=[ref.remote_id]).items
    assert isinstance(application, RemoteApplication)
    assert (application.outcome, application.current_stage_remote_id) == ("DECLINED", "interview")
    assert application.rejection_reason_name == "Doesn't have required qualifications"


def test_attachments_and_result_links_become_comments(wk: WK) -> None:
    connector = workable_connector(wk.url)
    created = connector.create_application(_input("files@example.com"))
    ref = ApplicationRef(remote_id=created.application.remote_id)
    file = AttachmentInput("test.pdf", "OTHER", "application/pdf", b"%PDF")
    assert connector.add_application_attachment(ref, attachment=file, remote_fields={}).warnings == (
        "attachment: Workable keeps files of an existing candidate as a comment's attachment.",
    )
    link = ResultLinkInput(label="Assessment", url="https://tests.example/r/1")
    connector.add_application_result_link(ref, link=link, remote_fields={})
    stored = next(c for c in wk.state()["candidates"] if c["id"] == ref.remote_id)
    assert [(c["body"], c["attachment"]) for c in stored["comments"]] == [
        ("Attachment: test.pdf", {"name": "test.pdf", "data": "JVBERg=="}),
        ("Assessment: https://tests.example/r/1", None),
    ]


def test_hired_stage_reads_as_hired(wk: WK) -> None:
    connector = workable_connector(wk.url)
    created = connector.create_application(_input("hire@example.com"))
    connector.move_application_stage(
        ApplicationRef(remote_id=created.application.remote_id), stage_remote_id="hired", remote_fields={}
    )
    [application] = connector.read(ReadModel.APPLICATIONS, remote_ids=[created.application.remote_id]).items
    assert isinstance(application, RemoteApplication)
    assert (application.outcome, application.current_stage_remote_id) == ("HIRED", "hired")


@pytest.mark.django_db
def test_the_connector_page_documents_the_source_and_the_thank_you_email(client) -> None:
    html = client.get("/docs/connectors/workable/").content.decode()
    create = html.split('data-action="ats_create_application"')[1].split('data-action="')[0]

    assert "<code>candidate.domain</code>" in create
    assert "<code>sourced: false</code>" in create
    assert "thank you for applying" in create
    assert "Workable has no roles endpoint" in html


def test_workable_is_out_of_beta() -> None:
    assert WorkableConnector.beta is False  # every point of its issue holds
