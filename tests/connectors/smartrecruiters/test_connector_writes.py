"""The SmartRecruiters connector's writes against the emulator, each checked in the emulator's state."""

from __future__ import annotations

import pytest

from apps.connectors.dtos import (
    ApplicationRef,
    AttachmentInput,
    AttachmentRef,
    CandidateInput,
    CreateApplicationInput,
    GdprConsent,
    Location,
    RequestedSource,
    ResultLinkInput,
    ScreeningAnswerInput,
    SourceInstruction,
)
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorInputError,
    ConnectorJobClosed,
    ConnectorNotFound,
)
from apps.connectors.smartrecruiters.connector import SmartRecruitersConnector
from apps.connectors.smartrecruiters.emulator import SmartRecruitersEmulator
from tests.connectors.smartrecruiters.harness import Emulator, sr_connector

PDF = b"%PDF-1.4 a resume"
DEFAULT_SOURCE_WARNING = "source: no source written; SmartRecruiters records its default source (API)."


@pytest.fixture
def emulator(sr_server: LoopbackServer, sr_app: SmartRecruitersEmulator) -> Emulator:
    return Emulator(sr_server, sr_app)


@pytest.fixture
def connector(sr_server: LoopbackServer) -> SmartRecruitersConnector:
    return sr_connector(sr_server.url)


def _candidate(email: str = "jo.doe@example.com", **extra: object) -> CandidateInput:
    return CandidateInput(first_name="Jo", last_name="Doe", email_address=email, **extra)  # type: ignore[arg-type]


def _application(state: dict, candidate_id: str, job_id: str) -> dict:
    return next(a for a in state["applications"] if a["candidateId"] == candidate_id and a["jobId"] == job_id)


def test_create_with_answers_files_stage_and_configured_source(
    connector: SmartRecruitersConnector, emulator: Emulator
) -> None:
    custom = emulator.control("POST", "/sources", json={"label": "Acme Jobs", "type": "paid", "subtype": "job_board"})
    job = emulator.public_job()
    questions = emulator.questions(job["posting"]["uuid"])

    result = connector.create_application(
        CreateApplicationInput(
            job_remote_id=job["id"],
            candidate=_candidate(
                company="Initech",
                phone_number="+49 30 1234",
                location=Location(country="DE", city="Berlin", state="Berlin", zip_code="10115"),
                social_links=("https://www.linkedin.com/in/jodoe", "https://jo.example"),
            ),
            stage_remote_id="IN_REVIEW:Screening call",
            attachments=(
                AttachmentInput("cv.pdf", "CV", "application/pdf", PDF),
                AttachmentInput("letter.txt", "COVER_LETTER", "text/plain", b"Dear team"),
            ),
            screening_answers=(
                ScreeningAnswerInput(questions["Work permit"]["id"], "SINGLE_SELECT", "yes"),
                ScreeningAnswerInput(questions["Experience"]["id"], "TEXT", "5"),
                ScreeningAnswerInput(questions["Languages"]["id"], "MULTI_SELECT", ("en", "de")),
                ScreeningAnswerInput(questions["Future openings"]["id"], "BOOLEAN", True),
            ),
            source=SourceInstruction(
                name="Acme Jobs", remote_id=f"paid:{custom['id']}", type="paid", subtype="job_board"
            ),
            gdpr_consent=GdprConsent(given=False),
        )
    )

    state = emulator.state()
    candidate_id = result.candidate.remote_id
    stored = _application(state, candidate_id, job["id"])
    assert result.application.remote_id == f"{candidate_id}:{job['id']}"
    assert (stored["status"], stored["subStatus"]) == ("IN_REVIEW", "Screening call")
    assert [change["status"] for change in stored["history"]] == ["NEW", "IN_REVIEW"]  # created New, then moved
    assert stored["source"]["label"] == "Acme Jobs"
    assert stored["source"]["sourceIdentifier"] == custom["sourceIdentifier"]
    assert stored["answers"] == [
        {"id": questions["Work permit"]["id"], "records": [{"f-permit": ["yes"]}]},
        {"id": questions["Experience"]["id"], "records": [{"f-years": ["5"]}]},
        {"id": questions["Languages"]["id"], "records": [{"f-languages": ["en", "de"]}]},
        {"id": questions["Future openings"]["id"], "records": [{"f-updates": ["true"]}]},
    ]
    files = sorted(
        (a["name"], a["type"], a["jobId"], a["size"]) for a in state["attachments"] if a["candidateId"] == candidate_id
    )
    assert files == [("cv.pdf", "RESUME", job["id"], len(PDF)), ("letter.txt", "COVER_LETTER", job["id"], 9)]
    person = next(c for c in state["candidates"] if c["id"] == candidate_id)
    assert (person["firstName"], person["email"]) == ("Jo", "jo.doe@example.com")
    details = emulator.api("GET", f"/candidates/{candidate_id}")
    assert details["location"] == {"countryCode": "de", "country": "Germany", "city": "Berlin", "region": "Berlin"}
    assert details["web"] == {"linkedin": "https://www.linkedin.com/in/jodoe", "website": "https://jo.example"}
    assert details["experience"] == [{"title": "-", "company": "Initech", "current": True, "startDate": "2100-01-01"}]
    assert details["consent"] == {"status": "REQUIRED"}  # consentDecisions {"SINGLE": false} reached it
    assert result.candidate_existed is False
    assert (result.candidate.company, result.candidate.title) == ("Initech", None)
    assert result.application.current_stage_remote_id == "IN_REVIEW:Screening call"
    assert result.warnings == (
        "candidate.location.zip_code: SmartRecruiters keeps only country, region and city of a candidate; not written.",
    )


def test_create_without_answers_uses_the_job_endpoint_and_reuses_the_person(
    connector: SmartRecruitersConnector, emulator: Emulator
) -> None:
    state = emulator.state()
    seeded = state["candidates"][0]
    applied = {a["jobId"] for a in state["applications"] if a["candidateId"] == seeded["id"]}
    other_job = next(
        job["id"] for job in state["jobs"] if job["id"] not in applied and job["status"] in ("SOURCING", "INTERVIEW")
    )

    result = connector.create_application(
        CreateApplicationInput(
            job_remote_id=other_job,
            candidate=_candidate(seeded["email"].upper(), title="Engineer", company="Globex"),
            remote_fields={"candidate_without_questions": {"tags": ["via-api"]}},
        )
    )

    after = emulator.state()
    person = next(c for c in after["candidates"] if c["id"] == seeded["id"])
    assert result.candidate_existed is True
    assert result.candidate.remote_id == seeded["id"]
    assert len(after["candidates"]) == len(state["candidates"])
    assert _application(after, seeded["id"], other_job)["source"]["label"] == "API"
    assert "via-api" in person["tags"]
    assert result.warnings == (DEFAULT_SOURCE_WARNING,)
    with pytest.raises(ConnectorApplicationExists):
        connector.create_application(
            CreateApplicationInput(job_remote_id=other_job, candidate=_candidate(seeded["email"]))
        )


def test_requested_source_must_exist_with_the_allowed_type(
    connector: SmartRecruitersConnector, emulator: Emulator
) -> None:
    emulator.control("POST", "/sources", json={"label": "Board A", "type": "paid", "subtype": "job_board"})
    emulator.control("POST", "/sources", json={"label": "Board B", "type": "other"})
    job = emulator.public_job()["id"]

    used = connector.create_application(
        CreateApplicationInput(
            job_remote_id=job, candidate=_candidate("a@example.com"), requested_source=RequestedSource(name="Board A")
        )
    )
    refused = connector.create_application(
        CreateApplicationInput(
            job_remote_id=job, candidate=_candidate("b@example.com"), requested_source=RequestedSource(name="Board B")
        )
    )

    assert (used.application.source, used.warnings) == ("Board A", ())
    assert refused.application.source == "API"
    assert refused.warnings == (
        "source: SmartRecruiters has no source named “Board B” of type Paid; custom sources are created in "
        "SmartRecruiters' settings.",
        DEFAULT_SOURCE_WARNING,
    )


def test_deleted_configured_source_falls_back_to_the_default_with_a_warning(
    connector: SmartRecruitersConnector, emulator: Emulator
) -> None:
    custom = emulator.control("POST", "/sources", json={"label": "Acme Jobs", "type": "paid"})
    emulator.control("DELETE", f"/sources/{custom['sourceIdentifier']}")

    result = connector.create_application(
        CreateApplicationInput(
            job_remote_id=emulator.public_job()["id"],
            candidate=_candidate(),
            source=SourceInstruction(name="Acme Jobs", remote_id=f"paid:{custom['id']}", type="paid"),
        )
    )

    assert result.application.source == "API"
    assert result.warnings[0] == (
        "source: the configured source “Acme Jobs” no longer exists in SmartRecruiters; set it up again (setup link)."
    )


def test_closed_and_unknown_jobs_are_refused_before_anything_is_written(
    connector: SmartRecruitersConnector, emulator: Emulator
) -> None:
    state = emulator.state()
    filled = next(job["id"] for job in state["jobs"] if job["status"] == "FILLED")

    with pytest.raises(ConnectorJobClosed):
        connector.create_application(CreateApplicationInput(job_remote_id=filled, candidate=_candidate()))
    with pytest.raises(ConnectorNotFound):
        connector.create_application(CreateApplicationInput(job_remote_id="no-such-job", candidate=_candidate()))

    assert len(emulator.state()["candidates"]) == len(state["candidates"])


def test_actions_on_an_application_and_its_candidate(connector: SmartRecruitersConnector, emulator: Emulator) -> None:
    job = emulator.public_job()["id"]
    created = connector.create_application(CreateApplicationInput(job_remote_id=job, candidate=_candidate()))
    candidate_id = created.candidate.remote_id
    ref = ApplicationRef(remote_id=created.application.remote_id, candidate_remote_id=candidate_id, job_remote_id=job)
    reason = emulator.state()["rejectionReasons"][1]

    moved = connector.move_application_stage(ref, stage_remote_id="INTERVIEW:Technical test", remote_fields={})
    connector.add_application_note(ref, content="Strong Python.", content_type="PLAIN_TEXT", remote_fields={})
    link = connector.add_application_result_link(
        ref,
        link=ResultLinkInput("Coding test", "https://tests.example/r/1", "Score", (("total", "92"),)),
        remote_fields={},
    )
    connector.add_candidate_result_link(
        candidate_id, link=ResultLinkInput("Profile check", "https://tests.example/p/1"), remote_fields={}
    )
    connector.add_application_attachment(
        ref, attachment=AttachmentInput("report.pdf", "OTHER", "application/pdf", PDF), remote_fields={}
    )
    connector.add_candidate_attachment(
        candidate_id, attachment=AttachmentInput("id.png", "OTHER", "image/png", b"\x89PNG"), remote_fields={}
    )
    tagged = connector.add_candidate_tag(candidate_id, name="Python", remote_fields={})
    connector.add_candidate_tag(candidate_id, name="Remote", remote_fields={})
    untagged = connector.remove_candidate_tag(candidate_id, name="python", remote_fields={})
    rejected = connector.reject_application(
        ref, rejection_reason_remote_id=reason["id"], note="Not this time.", remote_fields={}
    )
    on_application = connector.list_application_attachments(ref).attachments
    on_candidate = connector.list_candidate_attachments(candidate_id).attachments
    file = connector.download_attachment(
        AttachmentRef(remote_id=on_application[0].remote_id, candidate_remote_id=candidate_id)
    )

    state = emulator.state()
    stored = _application(state, candidate_id, job)
    messages = [m["content"] for m in state["messages"] if candidate_id in m["candidateIds"]]
    assert moved.application.current_stage_remote_id == "INTERVIEW:Technical test"
    assert [(c["status"], c["subStatus"]) for c in stored["history"]] == [
        ("NEW", None),
        ("INTERVIEW", "Technical test"),
        ("REJECTED", None),
    ]
    assert stored["rejectionReasonId"] == reason["id"]
    assert (rejected.application.outcome, rejected.application.rejection_reason_name) == ("DECLINED", reason["label"])
    assert rejected.application.current_stage_remote_id == "INTERVIEW:Technical test"
    assert messages == [
        f"Strong Python.\n\n#[CANDIDATE:{candidate_id}]",
        f"Coding test: https://tests.example/r/1\nScore total: 92\n\n#[CANDIDATE:{candidate_id}]",
        f"Profile check: https://tests.example/p/1\n\n#[CANDIDATE:{candidate_id}]",
        f"Not this time.\n\n#[CANDIDATE:{candidate_id}]",
    ]
    assert link.warnings == ("SmartRecruiters has no result links: the link was written as a note (message) instead.",)
    assert [t.name for t in tagged.candidate.tags] == ["Python"]
    assert [t.name for t in untagged.candidate.tags] == ["Remote"]
    assert [(a.file_name, a.type, a.application_remote_id) for a in on_application] == [
        ("report.pdf", "OTHER", ref.remote_id)
    ]
    assert sorted((a.file_name, a.application_remote_id) for a in on_candidate) == [
        ("id.png", None),
        ("report.pdf", ref.remote_id),
    ]
    assert (file.content, file.content_type, file.file_name) == (PDF, "application/pdf", "report.pdf")
    with pytest.raises(ConnectorInputError):
        connector.move_application_stage(ref, stage_remote_id="NOT_A_STATUS", remote_fields={})


def test_find_application_and_tracked_import(connector: SmartRecruitersConnector, emulator: Emulator) -> None:
    seeded = emulator.state()["applications"][0]
    email = next(c["email"] for c in emulator.state()["candidates"] if c["id"] == seeded["candidateId"])

    found = connector.find_application(job_remote_id=seeded["jobId"], email_address=email.upper())
    tracked = connector.find_tracked_application(
        key="smartrecruiters",
        ids={"candidate_remote_id": seeded["candidateId"], "job_remote_id": seeded["jobId"]},
    )

    assert found.application.remote_id == tracked.application.remote_id == f"{seeded['candidateId']}:{seeded['jobId']}"
    assert tracked.candidate.remote_id == seeded["candidateId"]
    assert connector.find_application(job_remote_id=seeded["jobId"], email_address="nobody@example.com") is None
    with pytest.raises(ConnectorNotFound):
        connector.find_tracked_application(
            key="smartrecruiters", ids={"candidate_remote_id": seeded["candidateId"], "job_remote_id": "no-job"}
        )


def test_a_conflict_on_create_means_the_application_exists(
    connector: SmartRecruitersConnector, emulator: Emulator
) -> None:
    # SmartRecruiters refuses a second application of a profile to a job; here the search before the create missed
    # it (created at the same moment elsewhere).
    body = {"message": "Conflict", "errors": [{"code": "CANDIDATE_ALREADY_APPLIED", "message": "Already applied"}]}
    emulator.control("POST", "/faults", json={"kind": "status", "status": 409, "method": "POST", "body": body})

    with pytest.raises(ConnectorApplicationExists) as caught:
        connector.create_application(
            CreateApplicationInput(job_remote_id=emulator.public_job()["id"], candidate=_candidate())
        )

    assert (caught.value.status_code, caught.value.remote_message) == (409, "Conflict: Already applied")
