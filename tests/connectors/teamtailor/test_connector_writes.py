"""Teamtailor writes and attribution against the emulator: create with every answer format, the free-text source
written and read back, an existing candidate's source kept, move, reject, note, tags; and both region hosts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import (
    ApplicationRef,
    AttachmentInput,
    CandidateInput,
    CreateApplicationInput,
    ResultLinkInput,
    ScreeningAnswerInput,
    SourceInstruction,
)
from apps.connectors.errors import ConnectorAuthError, ConnectorInputError
from apps.connectors.teamtailor.emulator import DEFAULT_NA_API_KEY
from tests.connectors.teamtailor.conftest import TT
from tests.connectors.teamtailor.harness import teamtailor_connector

QUESTIONS = [
    {"title": "Work permit?", "question-type": "Boolean", "mandatory": True},
    {"title": "Seniority", "question-type": "Choice", "alternatives": ["Junior", "Senior"]},
    {"title": "Stack", "question-type": "Choice", "alternatives": ["Go", "Python", "Rust"], "multiple": True},
    {"title": "Years", "question-type": "Range", "start-with": 0, "end-with": 40},
    {"title": "Why us?", "question-type": "Text"},
    {"title": "Start date", "question-type": "Text", "single-line": True},
    {"title": "Intro video", "question-type": "Video"},
]


def make_job(tt: TT) -> tuple[str, list[int], dict[str, str]]:
    created = tt.control("POST", "/jobs", json={"title": "Backend", "questions": QUESTIONS}).json()
    included = tt.get(f"/jobs/{created['id']}", params={"include": "questions"}).json()["included"]
    return str(created["id"]), created["stages"], {q["attributes"]["title"]: q["id"] for q in included}


def person(email: str) -> CandidateInput:
    return CandidateInput(
        first_name="Ada",
        last_name="Lind",
        email_address=email,
        phone_number="+46701234567",
        social_links=("https://www.linkedin.com/in/ada", "https://ada.dev"),
    )


@pytest.fixture
def connector(tt_server: Any) -> Any:
    return teamtailor_connector(f"{tt_server.url}/eu")


def test_create_writes_answers_source_and_reads_back(tt: TT, connector: Any) -> None:
    job_id, _, q = make_job(tt)
    answers = (
        ScreeningAnswerInput(q["Work permit?"], "BOOLEAN", True),
        ScreeningAnswerInput(q["Seniority"], "SINGLE_SELECT", "1"),
        ScreeningAnswerInput(q["Stack"], "MULTI_SELECT", ("0", "2")),
        ScreeningAnswerInput(q["Years"], "NUMBER", 7.0),
        ScreeningAnswerInput(q["Why us?"], "TEXT", "Because"),
        ScreeningAnswerInput(q["Start date"], "DATE", date(2025, 6, 1)),
        ScreeningAnswerInput(q["Intro video"], "UNKNOWN", "x"),
    )
    cv = AttachmentInput(name="cv.pdf", type="CV", content_type="application/pdf", data=b"%PDF")
    result = connector.create_application(
        CreateApplicationInput(
            job_remote_id=job_id,
            candidate=person("ada@example.com"),
            screening_answers=answers,
            attachments=(cv,),
            source=SourceInstruction(name="Tributary Jobs"),
        )
    )
    state = tt.state()
    [candidate] = [c for c in state["candidates"] if c["email"] == "ada@example.com"]
    [application] = [a for a in state["job_applications"] if str(a["id"]) == result.application.remote_id]
    stored = {a["question_id"]: a for a in state["answers"] if a["candidate_id"] == candidate["id"]}

    assert (result.candidate_existed, result.application.outcome, result.candidate.source) == (
        False,
        "PENDING",
        "Tributary Jobs",
    )
    assert result.application.current_stage_remote_id == str(application["stage_id"])
    assert (
        candidate["referring_url"]
        == application["referring_url"]
        == ("https://tributary-jobs/?tributary_source=Tributary%20Jobs")
    )
    assert candidate["referring_site"] == application["referring_site"] == "tributary-jobs"
    assert candidate["linkedin_url"] == "https://www.linkedin.com/in/ada"
    assert stored[int(q["Work permit?"])]["boolean"] is True
    assert stored[int(q["Seniority"])]["choices"] == [1]
    assert stored[int(q["Stack"])]["choices"] == [0, 2]
    assert stored[int(q["Years"])]["range"] == 7
    assert stored[int(q["Why us?"])]["text"] == "Because"
    assert stored[int(q["Start date"])]["text"] == "2025-06-01"
    assert int(q["Intro video"]) not in stored
    assert len(result.warnings) == 3  # the other social link, the video answer, the CV
    assert any("cv.pdf was not written" in warning for warning in result.warnings)
    source = connector.read_application_source(application_remote_id=result.application.remote_id)
    assert (source.label, source.remote_data) == ("Tributary Jobs", {"referring-site": "tributary-jobs"})
    assert connector.read_candidate_source(result.candidate.remote_id).label == "Tributary Jobs"


def test_an_existing_candidate_keeps_its_source(tt: TT, connector: Any) -> None:
    job_id, _, q = make_job(tt)
    tt.post(
        "/candidates",
        json={
            "data": {
                "type": "candidates",
                "attributes": {
                    "first-name": "Old",
                    "email": "old@example.com",
                    "referring-url": "http://se.indeed.com/x",
                },
            }
        },
    )

    result = connector.create_application(
        CreateApplicationInput(
            job_remote_id=job_id,
            candidate=person("OLD@example.com"),
            screening_answers=(ScreeningAnswerInput(q["Work permit?"], "BOOLEAN", False),),
            source=SourceInstruction(name="Tributary"),
        )
    )

    assert result.candidate_existed is True
    assert result.candidate.source == "Indeed Sweden"
    assert result.application.source == "Tributary"
    [candidate] = [c for c in tt.state()["candidates"] if c["email"] == "old@example.com"]
    assert candidate["referring_url"] == "http://se.indeed.com/x"


def test_move_reject_note_and_tags_change_the_state(tt: TT, connector: Any) -> None:
    job_id, stages, q = make_job(tt)
    created = connector.create_application(
        CreateApplicationInput(
            job_remote_id=job_id,
            candidate=person("move@example.com"),
            screening_answers=(ScreeningAnswerInput(q["Work permit?"], "BOOLEAN", True),),
        )
    )
    ref = ApplicationRef(created.application.remote_id, created.candidate.remote_id, job_id)

    hired = connector.move_application_stage(ref, stage_remote_id=str(stages[-1]), remote_fields={})
    moved = connector.move_application_stage(ref, stage_remote_id=str(stages[1]), remote_fields={})
    rejected = connector.reject_application(
        ref, rejection_reason_remote_id="1", note="Not now", remote_fields={"user_id": "2"}
    )
    connector.add_application_note(ref, content="Call back", content_type="PLAIN_TEXT", remote_fields={})
    link = ResultLinkInput(label="Coding test", url="https://tests.example/r/1", attributes=(("score", "82"),))
    linked = connector.add_application_result_link(ref, link=link, remote_fields={"user_id": "2"})
    on_candidate = connector.add_candidate_result_link(
        ref.candidate_remote_id, link=ResultLinkInput(label="Profile", url="https://tests.example/p"), remote_fields={}
    )
    connector.add_candidate_tag(ref.candidate_remote_id, name="python", remote_fields={})
    connector.add_candidate_tag(ref.candidate_remote_id, name="python", remote_fields={})
    connector.add_candidate_tag(ref.candidate_remote_id, name="go", remote_fields={})
    connector.remove_candidate_tag(ref.candidate_remote_id, name="GO", remote_fields={})
    state = tt.state()
    [application] = [a for a in state["job_applications"] if str(a["id"]) == ref.remote_id]
    [candidate] = [c for c in state["candidates"] if str(c["id"]) == ref.candidate_remote_id]

    assert hired.application.outcome == "HIRED"
    assert (moved.application.outcome, moved.application.current_stage_remote_id) == ("PENDING", str(stages[1]))
    assert (rejected.application.outcome, rejected.application.rejection_reason_name) == ("DECLINED", "Role not a fit")
    assert application["reject_reason_id"] == 1
    assert application["rejected_at"] is not None
    assert [(n["note"], n["user_id"]) for n in state["notes"] if n["candidate_id"] == candidate["id"]] == [
        ("Not now", 2),
        ("Call back", None),
        ("Coding test: https://tests.example/r/1\nscore: 82", 2),
        ("Profile: https://tests.example/p", None),
    ]
    for result in (linked, on_candidate):
        assert result.warnings == (
            "result link: Teamtailor's result links (Partner API partner-results) need partner credentials, which "
            "this connection does not have; the link was written as a note on the candidate.",
        )
    assert candidate["tags"] == ["python"]
    with pytest.raises(ConnectorInputError):
        connector.move_application_stage(ref, stage_remote_id=str(stages[0]), remote_fields={})


def test_both_region_hosts_reach_the_emulator_under_their_prefix(tt: TT, tt_server: Any) -> None:
    eu = teamtailor_connector(f"{tt_server.url}/eu")
    na = teamtailor_connector(f"{tt_server.url}/na", key=DEFAULT_NA_API_KEY)
    na_with_eu_key = teamtailor_connector(f"{tt_server.url}/na")

    eu.verify_credentials()
    na.verify_credentials()
    na_jobs = na.read(ReadModel.JOBS).items
    with pytest.raises(ConnectorAuthError):
        na_with_eu_key.verify_credentials()

    assert [job.name for job in na_jobs] == ["Job 1", "Job 2", "Job 3"]
    assert tt.control("GET", "/regions").json() == {"requests": {"eu": 1, "na": 3}}
    assert na.passthrough_base_url("v1") == f"{tt_server.url}/na/v1"


def test_screening_answers_read_back_with_each_application_in_the_same_call(tt: TT, connector: Any) -> None:
    job_id, _, q = make_job(tt)
    other = tt.control("POST", "/jobs", json={"title": "Other", "questions": [QUESTIONS[4]]}).json()
    answers = (
        ScreeningAnswerInput(q["Work permit?"], "BOOLEAN", True),
        ScreeningAnswerInput(q["Seniority"], "SINGLE_SELECT", "1"),
        ScreeningAnswerInput(q["Stack"], "MULTI_SELECT", ("0", "2")),
        ScreeningAnswerInput(q["Years"], "NUMBER", 7.0),
        ScreeningAnswerInput(q["Why us?"], "TEXT", "Because"),
    )
    created = connector.create_application(
        CreateApplicationInput(job_remote_id=job_id, candidate=person("ans@example.com"), screening_answers=answers)
    )
    # the same candidate applies to a second job: its answers are not this application's
    second = connector.create_application(
        CreateApplicationInput(job_remote_id=str(other["id"]), candidate=person("ans@example.com"))
    )
    tt.control("DELETE", "/stats")

    [by_id] = connector.read(ReadModel.APPLICATIONS, remote_ids=[created.application.remote_id]).items
    [unanswered] = connector.read(ReadModel.APPLICATIONS, remote_ids=[second.application.remote_id]).items

    expected = [
        (q["Work permit?"], "Work permit?", "BOOLEAN", True),
        (q["Seniority"], "Seniority", "SINGLE_SELECT", "Senior"),
        (q["Stack"], "Stack", "MULTI_SELECT", ["Go", "Rust"]),
        (q["Years"], "Years", "NUMBER", 7),
        (q["Why us?"], "Why us?", "TEXT", "Because"),
    ]
    got = [(a.question_remote_id, a.question_title, a.type, a.value) for a in by_id.screening_question_answers]
    assert got == expected
    assert unanswered.screening_question_answers == ()
    assert tt.control("GET", "/stats").json()["totalRequests"] == 2  # one GET per application, answers included
    listed = {item.remote_id: item for item in connector.read(ReadModel.APPLICATIONS, updated_since=None).items}
    answered = listed[created.application.remote_id].screening_question_answers
    assert [(a.question_remote_id, a.value) for a in answered] == [(e[0], e[3]) for e in expected]
