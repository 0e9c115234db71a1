"""The Factorial connector's writes against the emulator: apply with answers, CV and source; the other actions.
Everything is asserted in the emulator's own state (`/_emulator/state`)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from apps.connectors.dtos import (
    ApplicationRef,
    AttachmentInput,
    AttachmentRef,
    CandidateInput,
    CreateApplicationInput,
    GdprConsent,
    RequestedSource,
    ResultLinkInput,
    ScreeningAnswerInput,
    SourceInstruction,
)
from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorInputError,
    ConnectorJobClosed,
    ConnectorNotFound,
    ConnectorWriteUncertain,
)
from apps.connectors.factorial.connector import FactorialConnector
from tests.connectors.factorial.conftest import FA
from tests.connectors.factorial.harness import READ_TIMEOUT, factorial_connector

PDF = b"%PDF-1.4\n% Ada's CV\n"
COVER = b"Dear Acme, ..."
ACME_JOBS = SourceInstruction(name="Acme Jobs", remote_id="11", type="job_board")


@pytest.fixture
def connector(fa: FA) -> FactorialConnector:
    return factorial_connector(fa.url)


def _answers(job: int = 1) -> tuple[ScreeningAnswerInput, ...]:
    first = (job - 1) * 5 + 1  # five seeded questions per posting
    return (
        ScreeningAnswerInput(str(first), "TEXT", "7"),
        ScreeningAnswerInput(str(first + 1), "SINGLE_SELECT", "Yes"),
        ScreeningAnswerInput(str(first + 2), "MULTI_SELECT", ("German", "English")),
    )


def _input(**overrides: Any) -> CreateApplicationInput:
    values: dict[str, Any] = {
        "job_remote_id": "1",
        "candidate": CandidateInput(
            first_name="Ada",
            last_name="Lovelace",
            email_address="ada@example.com",
            phone_number="+44 20 7946 0000",
            gender="FEMALE",
            social_links=("https://www.linkedin.com/in/ada",),
        ),
        "attachments": (
            AttachmentInput(name="ada-cv.pdf", type="CV", content_type="application/pdf", data=PDF),
            AttachmentInput(name="cover.txt", type="COVER_LETTER", content_type="text/plain", data=COVER),
        ),
        "screening_answers": _answers(),
        "source": ACME_JOBS,
        "gdpr_consent": GdprConsent(given=True),
    }
    values.update(overrides)
    return CreateApplicationInput(**values)


def _application(fa: FA, remote_id: str) -> dict[str, Any]:
    return next(item for item in fa.state()["applications"] if str(item["id"]) == remote_id)


def _candidate(fa: FA, remote_id: str) -> dict[str, Any]:
    return next(item for item in fa.state()["candidates"] if str(item["id"]) == remote_id)


def test_apply_writes_candidate_answers_cv_and_source_and_drops_the_cover_letter(
    connector: FactorialConnector, fa: FA
) -> None:
    result = connector.create_application(
        _input(gdpr_consent=GdprConsent(given=True, expires_at=datetime(2027, 1, 1, tzinfo=UTC)))
    )

    assert result.candidate_existed is False
    assert result.warnings == (
        "attachments[1] (COVER_LETTER cover.txt): Factorial keeps one file per application, its CV; not written.",
        "gdpr_consent.expires_at: Factorial sets the consent's expiry itself; only the consent was sent.",
    )
    stored = _application(fa, result.application.remote_id)
    assert stored["source"] == {
        "written": "Acme Jobs", "sourceId": 11, "name": "Acme Jobs", "label": "Acme Jobs", "medium": None,
    }  # fmt: skip
    assert stored["cv"]["filename"] == "ada-cv.pdf"
    assert stored["cv"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert [(answer["questionId"], answer["value"]) for answer in stored["answers"]] == [
        (1, "7"), (2, "Yes"), (3, '["German", "English"]'),
    ]  # fmt: skip
    assert (stored["phaseName"], stored["coverLetter"], stored["phone"]) == ("New", None, "+44 20 7946 0000")
    candidate = fa.get(f"/ats/candidates/{result.candidate.remote_id}").json()
    assert (candidate["email"], candidate["gender"], candidate["source_id"]) == ("ada@example.com", "female", 11)
    assert (candidate["personal_url"], candidate["consent_to_talent_pool"]) == ("https://www.linkedin.com/in/ada", True)
    # the result is the application and candidate as read back
    assert (result.application.source, result.application.outcome) == ("Acme Jobs", "PENDING")
    assert result.application.screening_question_answers[2].value == ["German", "English"]
    assert (result.candidate.first_name, result.candidate.source) == ("Ada", "Acme Jobs")
    assert connector.read_application_source(application_remote_id=result.application.remote_id).label == "Acme Jobs"


def test_an_existing_candidate_keeps_its_own_source_and_details(connector: FactorialConnector, fa: FA) -> None:
    seeded = fa.get("/ats/candidates/7").json()  # a seeded candidate, applying to a posting it has not applied to
    jobs = set(seeded["ats_job_posting_ids"])
    job = next(job for job in (1, 2, 4) if job not in jobs)
    candidate = CandidateInput(first_name="Other", last_name="Name", email_address=seeded["email"].upper())

    result = connector.create_application(
        _input(job_remote_id=str(job), candidate=candidate, attachments=(), screening_answers=_answers(job)),
    )

    assert result.candidate_existed is True
    assert result.candidate.remote_id == "7"
    after = fa.get("/ats/candidates/7").json()
    assert (after["first_name"], after["source_id"]) == (seeded["first_name"], seeded["source_id"])
    assert _application(fa, result.application.remote_id)["source"]["sourceId"] == 11


def test_a_source_that_no_longer_exists_is_written_as_text_with_a_warning(
    connector: FactorialConnector, fa: FA
) -> None:
    fa.control("DELETE", "/candidate-sources/11")

    result = connector.create_application(_input(attachments=()))

    assert result.warnings == (
        "source: Factorial has no candidate source named 'Acme Jobs' (an administrator adds sources in Factorial's "
        "recruitment settings); the name was sent as text, which Factorial does not show as a source.",
    )
    assert _application(fa, result.application.remote_id)["source"]["written"] == "Acme Jobs"
    assert _application(fa, result.application.remote_id)["source"]["sourceId"] is None
    assert result.application.source is None


def test_the_deprecated_requested_source_is_honoured_when_attribution_writes_none(
    connector: FactorialConnector, fa: FA
) -> None:
    result = connector.create_application(
        _input(source=None, attachments=(), requested_source=RequestedSource(name="Referred"))
    )

    assert _application(fa, result.application.remote_id)["source"]["written"] == "referred"  # the entry's name
    assert result.application.source == "Referred"


def test_a_stage_is_reached_by_a_move_after_applying(connector: FactorialConnector, fa: FA) -> None:
    result = connector.create_application(_input(stage_remote_id="3", attachments=()))
    other_job = connector.create_application(
        _input(stage_remote_id="3", attachments=(), job_remote_id="2", candidate=CandidateInput("B", "C", "b@c.de"),
               screening_answers=_answers(2)),
    )  # fmt: skip

    stored = _application(fa, result.application.remote_id)
    assert (stored["phaseName"], result.application.current_stage_remote_id) == ("Assessment", "3")
    assert other_job.warnings == (
        "stage_id: Factorial refused the move (ats_application_phase_id: application phase 3 does not belong to "
        "job posting 2).",
    )


def test_closed_missing_jobs_and_second_applications_are_refused_before_writing(
    connector: FactorialConnector, fa: FA
) -> None:
    before = fa.state()["counts"]

    with pytest.raises(ConnectorJobClosed):
        connector.create_application(_input(job_remote_id="3"))  # a draft
    with pytest.raises(ConnectorNotFound):
        connector.create_application(_input(job_remote_id="99"))
    with pytest.raises(ConnectorNotFound):
        connector.create_application(_input(job_remote_id="job-x"))
    seeded = fa.get("/ats/candidates/1").json()
    applied_to = next(job for job in seeded["ats_job_posting_ids"] if job in (1, 2, 4))  # an open posting
    with pytest.raises(ConnectorApplicationExists):
        connector.create_application(
            _input(
                job_remote_id=str(applied_to),
                candidate=CandidateInput("D", "S", seeded["email"]),
                screening_answers=_answers(applied_to),
            )
        )

    assert fa.state()["counts"] == before


def test_a_refused_apply_passes_factorials_message_on(connector: FactorialConnector) -> None:
    with pytest.raises(ConnectorInputError) as caught:
        connector.create_application(_input(screening_answers=()))  # two mandatory questions unanswered

    assert caught.value.status_code == 422
    assert caught.value.remote_message == "answers: mandatory questions are not answered: 1, 2"


def test_an_apply_without_answer_is_uncertain_and_found_again(connector: FactorialConnector, fa: FA) -> None:
    fa.control("POST", "/faults", json={"kind": "latency", "latency": READ_TIMEOUT * 3, "method": "POST",
                                        "path": "*/applications/apply"})  # fmt: skip

    with pytest.raises(ConnectorWriteUncertain):
        connector.create_application(_input(attachments=()))
    _wait_for(lambda: fa.state()["counts"]["applications"] == 17)  # the emulator answers after our timeout
    found = connector.find_application(job_remote_id="1", email_address="ADA@example.com")

    assert found is not None
    assert (found.candidate.first_name, found.application.job_remote_id) == ("Ada", "1")
    assert connector.find_application(job_remote_id="2", email_address="ada@example.com") is None
    assert connector.find_application(job_remote_id="1", email_address="nobody@example.com") is None


def _wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the emulator never got there"
        time.sleep(0.05)


def test_move_reject_note_and_result_link(connector: FactorialConnector, fa: FA) -> None:
    ref = ApplicationRef(remote_id="2")

    moved = connector.move_application_stage(ref, stage_remote_id="23", remote_fields={})
    rejected = connector.reject_application(
        ref, rejection_reason_remote_id="2", note="Went with a senior profile.", remote_fields={}
    )
    connector.add_application_note(ref, content="Called back, no answer.", content_type="PLAIN_TEXT", remote_fields={})
    link = ResultLinkInput(
        label="Assessment",
        url="https://tests.example.com/r/1",
        custom_field_name_prefix="ax_",
        attributes=(("score", "9"),),
    )
    linked = connector.add_application_result_link(ref, link=link, remote_fields={})

    assert (moved.application.current_stage_remote_id, moved.application.outcome) == ("23", "PENDING")
    assert (rejected.application.outcome, rejected.application.rejection_reason_name) == (
        "DECLINED", "Not enough experience",
    )  # fmt: skip
    stored = _application(fa, "2")
    assert (stored["qualified"], stored["disqualifiedReason"]) == (False, "Went with a senior profile.")
    feedbacks = [(f["candidateId"], f["applicationId"], f["description"]) for f in fa.state()["feedbacks"]][-2:]
    assert feedbacks == [
        (2, 2, "Called back, no answer."),
        (2, 2, "Assessment: https://tests.example.com/r/1\nax_score: 9"),
    ]
    assert linked.warnings == (
        "Factorial has no links on candidates or applications: the link was written as a feedback.",
    )
    with pytest.raises(ConnectorInputError):
        connector.move_application_stage(ref, stage_remote_id="1", remote_fields={})  # posting 1's phase


def test_cv_attachment_replaces_the_cv_and_other_files_are_refused(connector: FactorialConnector, fa: FA) -> None:
    ref = ApplicationRef(remote_id="1", candidate_remote_id="1")
    cv = AttachmentInput(name="new-cv.pdf", type="CV", content_type="application/pdf", data=PDF)

    result = connector.add_application_attachment(ref, attachment=cv, remote_fields={})
    with pytest.raises(ConnectorInputError) as refused:
        connector.add_application_attachment(
            ref, attachment=AttachmentInput("c.txt", "COVER_LETTER", "text/plain", COVER), remote_fields={}
        )

    assert result.warnings == ("The application's previous CV (Diego_Schmidt_CV.pdf) was replaced.",)
    assert _application(fa, "1")["cv"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert refused.value.remote_message == "Only a CV can be attached to a Factorial application."
    listed = connector.list_application_attachments(ref).attachments
    assert [(item.remote_id, item.file_name, item.type) for item in listed] == [("1:cv", "new-cv.pdf", "CV")]
    by_candidate = connector.list_candidate_attachments("1").attachments
    assert [item.remote_id for item in by_candidate] == ["1:cv", "13:cv"]
    downloaded = connector.download_attachment(AttachmentRef(remote_id="1:cv", candidate_remote_id="1"))
    assert (downloaded.content, downloaded.file_name, downloaded.content_type) == (
        PDF, "new-cv.pdf", "application/pdf",
    )  # fmt: skip
    with pytest.raises(ConnectorNotFound):
        connector.download_attachment(AttachmentRef(remote_id="1:cv", candidate_remote_id="2"))
