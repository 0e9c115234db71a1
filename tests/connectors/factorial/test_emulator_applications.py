"""Applications: apply with answers and a CV, create for an existing candidate, source resolution, updates,
phase moves and outcomes, list filters, deletion."""

from __future__ import annotations

import hashlib
from typing import Any

import requests

from tests.connectors.factorial.conftest import FA, PDF, b64, cv_object

PORTFOLIO = b"%PDF-1.4\n% portfolio\n"


def _ids(response) -> list[int]:  # noqa: ANN001 - a requests.Response
    return [item["id"] for item in response.json()["data"]]


def _apply_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane.doe@service.example",
        "ats_job_posting_id": "1",
        "phone": 34612345678,
        "source": "referred",
        "medium": "email",
        "cover_letter": "This is my cover letter for the position",
        "consent_to_talent_pool": True,
        "answers": [
            {"ats_question_id": 1, "value": 7},
            {"ats_question_id": "2", "value": "Yes"},
            {"ats_question_id": 3, "value": ["English", "German"]},
            {"ats_question_id": 4, "value": "I like the product."},
            {"ats_question_id": 5, "value": cv_object(PORTFOLIO, "portfolio.pdf")},
        ],
        "cv": cv_object(),
    }
    body.update(overrides)
    return body


def _application_state(fa: FA, application_id: int) -> dict[str, Any]:
    return next(a for a in fa.state()["applications"] if a["id"] == application_id)


def test_apply_creates_candidate_application_answers_and_cv(fa: FA) -> None:
    response = fa.post("/ats/applications/apply", json=_apply_body())
    application = response.json()
    cv = application.pop("cv")
    download = requests.get(cv["url"], timeout=10)
    candidate = fa.get(f"/ats/candidates/{application['ats_candidate_id']}").json()
    answers = fa.get("/ats/answers", params={"ats_application_ids[]": application["id"]}).json()["data"]
    portfolio = requests.get(answers[4]["value"], timeout=10)
    dumped = _application_state(fa, application["id"])

    assert response.status_code == 200  # apply answers 200, not 201
    assert application == {
        "id": 17,
        "company_id": 1,
        "ats_job_posting_id": 1,
        "ats_candidate_id": 13,
        "employee_id": None,
        "phone": "34612345678",
        "qualified": True,
        "ats_application_phase_id": 1,
        "created_at": "2025-03-01T12:00:00.000Z",
        "cover_letter": "This is my cover letter for the position",
        "ats_conversation_id": 17,
        "medium": "email",
        "rating_average": None,
        "ats_rejection_reason_id": None,
        "source_id": 2,
    }
    assert {key: cv[key] for key in ("filename", "byte_size", "content_type", "created_at")} == {
        "filename": "cv.pdf",
        "byte_size": len(PDF),
        "content_type": "application/pdf",
        "created_at": "2025-03-01T12:00:00.000Z",
    }
    assert cv["url"].startswith(f"{fa.url}/rails/active_storage/blobs/redirect/")
    assert (download.status_code, download.content, download.headers["Content-Type"]) == (200, PDF, "application/pdf")
    assert download.headers["Content-Disposition"] == 'attachment; filename="cv.pdf"'
    assert {key: candidate[key] for key in ("email", "phone_number", "source_id", "medium", "ats_job_posting_ids")} == {
        "email": "jane.doe@service.example",
        "phone_number": "34612345678",
        "source_id": 2,
        "medium": "email",
        "ats_job_posting_ids": [1],
    }
    assert [(a["ats_question_id"], a["original_question_type"], a["value"]) for a in answers[:4]] == [
        (1, "text", "7"),
        (2, "single_choice", "Yes"),
        (3, "multiple_choice", '["English", "German"]'),
        (4, "long_text", "I like the product."),
    ]
    assert (answers[4]["original_question_type"], portfolio.content) == ("file", PORTFOLIO)
    assert dumped["source"] == {
        "written": "referred",
        "sourceId": 2,
        "name": "referred",
        "label": "Referred",
        "medium": "email",
    }
    assert (dumped["cv"]["sha256"], dumped["outcome"], dumped["phaseType"]) == (
        hashlib.sha256(PDF).hexdigest(),
        "pending",
        "initial",
    )


def test_apply_refuses_missing_mandatory_answers_and_writes_nothing(fa: FA) -> None:
    before = fa.state()["counts"]

    response = fa.post("/ats/applications/apply", json=_apply_body(answers=[{"ats_question_id": 3, "value": "French"}]))

    assert (response.status_code, response.json()) == (
        422,
        {
            "error": "unprocessable_entity",
            "error_description": "answers: mandatory questions are not answered: 1, 2",
            "errors": {"answers": ["mandatory questions are not answered: 1, 2"]},
        },
    )
    assert fa.state()["counts"] == before


def test_answer_validation_names_the_answer(fa: FA) -> None:
    wrong_option = fa.post(
        "/ats/applications/apply",
        json=_apply_body(answers=[{"ats_question_id": 1, "value": "3"}, {"ats_question_id": 2, "value": "Maybe"}]),
    )
    foreign_question = fa.post(
        "/ats/applications/apply", json=_apply_body(answers=[{"ats_question_id": 6, "value": "3"}])
    )

    assert wrong_option.json()["errors"] == {"answers[1].value": ["must be one of Yes, No"]}
    assert foreign_question.json()["errors"] == {
        "answers[0].ats_question_id": ["question 6 does not belong to job posting 1"]
    }


def test_a_knock_out_answer_disqualifies(fa: FA) -> None:
    answers = [{"ats_question_id": 1, "value": "2"}, {"ats_question_id": 2, "value": "No"}]

    application = fa.post("/ats/applications/apply", json=_apply_body(answers=answers)).json()

    assert application["qualified"] is False


def test_apply_respects_the_posting_status_and_requirements(fa: FA) -> None:
    draft = fa.post("/ats/applications/apply", json=_apply_body(ats_job_posting_id=3, answers=[]))
    fa.put("/ats/job_postings/3", json={"status": "published"})
    answers = [{"ats_question_id": 11, "value": "4"}, {"ats_question_id": 12, "value": "Yes"}]
    without_cv = fa.post("/ats/applications/apply", json=_apply_body(ats_job_posting_id=3, answers=answers, cv=None))
    with_cv = fa.post("/ats/applications/apply", json=_apply_body(ats_job_posting_id=3, answers=answers))

    assert draft.json()["errors"] == {"ats_job_posting_id": ["job posting 3 is draft and does not accept applications"]}
    assert without_cv.json()["errors"] == {"cv": ["is mandatory for this job posting"]}
    assert with_cv.status_code == 200


def test_cv_must_be_base64_of_an_accepted_type(fa: FA) -> None:
    bad_base64 = fa.post("/ats/applications/apply", json=_apply_body(cv={"filename": "cv.pdf", "content": "%%%"}))
    exe = fa.post("/ats/applications/apply", json=_apply_body(cv=cv_object(b"MZ", "cv.exe")))
    docx = fa.post(
        "/ats/applications/apply",
        json=_apply_body(cv=cv_object(b"PK docx", "Jane Doe.docx")),
    )

    assert bad_base64.json()["errors"] == {"cv.content": ["must be base64 encoded"]}
    assert exe.json()["errors"] == {
        "cv.content_type": ["file type not accepted (accepted: .doc, .docx, .jpg, .odt, .pdf, .png, .rtf, .txt)"]
    }
    assert docx.json()["cv"]["content_type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert requests.get(docx.json()["cv"]["url"], timeout=10).content == b"PK docx"


def test_other_attachments_are_ignored(fa: FA) -> None:
    body = _apply_body(attachments=[cv_object(b"cover letter", "cover.pdf")], cover_letter_file=b64(b"x"))
    files_before = fa.state()["counts"]["files"]

    application = fa.post("/ats/applications/apply", json=body).json()
    dumped = _application_state(fa, application["id"])

    assert application["cv"]["filename"] == "cv.pdf"
    assert [answer["file"]["filename"] for answer in dumped["answers"] if answer["file"]] == ["portfolio.pdf"]
    assert fa.state()["counts"]["files"] == files_before + 2  # this CV and the portfolio answer, nothing else


def test_apply_with_a_known_email_reuses_the_candidate_and_keeps_its_source(fa: FA) -> None:
    body = _apply_body(email="YARA.HADDAD.4@example.com", source="linkedin", medium=None)

    first = fa.post("/ats/applications/apply", json=body)
    again = fa.post("/ats/applications/apply", json=body)
    candidate = fa.get("/ats/candidates/5").json()

    assert (first.status_code, first.json()["ats_candidate_id"], first.json()["source_id"]) == (200, 5, 3)
    assert (candidate["source_id"], candidate["ats_job_posting_ids"]) == (6, [1, 4])
    assert again.json()["errors"] == {"email": ["YARA.HADDAD.4@example.com has already applied to job posting 1"]}
    assert fa.state()["counts"]["candidates"] == 12


def test_create_application_for_an_existing_candidate(fa: FA) -> None:
    created = fa.post(
        "/ats/applications",
        json={
            "ats_job_posting_id": 1,
            "ats_candidate_id": "6",
            "ats_application_phase_id": 2,
            "author_id": 1,
            "author_type": "company",
            "source": "Acme Jobs",
            "answers": [{"ats_question_id": 3, "value": "Spanish"}],
            "cv": cv_object(),
        },
    )
    other_job_phase = fa.post(
        "/ats/applications", json={"ats_job_posting_id": 1, "ats_candidate_id": 8, "ats_application_phase_id": 7}
    )
    no_candidate = fa.post("/ats/applications", json={"ats_job_posting_id": 1})
    twice = fa.post("/ats/applications", json={"ats_job_posting_id": 2, "ats_candidate_id": 6})

    assert created.status_code == 201
    assert {
        key: created.json()[key] for key in ("id", "ats_candidate_id", "ats_application_phase_id", "source_id")
    } == {
        "id": 17,
        "ats_candidate_id": 6,
        "ats_application_phase_id": 2,
        "source_id": 11,
    }
    assert created.json()["cv"]["filename"] == "cv.pdf"
    assert fa.get("/ats/candidates/6").json()["source_id"] == 3  # the candidate's own source is untouched
    assert other_job_phase.json()["errors"] == {
        "ats_application_phase_id": ["application phase 7 does not belong to job posting 1"]
    }
    assert no_candidate.json()["errors"] == {"ats_candidate_id": ["can't be blank"]}
    assert twice.json()["errors"] == {"ats_candidate_id": ["candidate 6 has already applied to job posting 2"]}


def test_source_strings_resolve_by_name_then_label_else_stay_unresolved(fa: FA) -> None:
    by_label = fa.post("/ats/applications/apply", json=_apply_body(email="a@x.example", source="LinkedIn")).json()
    unknown = fa.post("/ats/applications/apply", json=_apply_body(email="b@x.example", source="Talent.io")).json()
    created = fa.control("POST", "/candidate-sources", json={"name": "Talent.io", "category": "job_board"}).json()
    known_now = fa.post("/ats/applications/apply", json=_apply_body(email="c@x.example", source="Talent.io")).json()
    case_differs = fa.post("/ats/applications/apply", json=_apply_body(email="d@x.example", source="talent.io")).json()

    assert by_label["source_id"] == 3
    assert unknown["source_id"] is None
    assert _application_state(fa, unknown["id"])["source"] == {
        "written": "Talent.io",
        "sourceId": None,
        "name": None,
        "label": None,
        "medium": "email",
    }
    assert fa.get(f"/ats/candidates/{unknown['ats_candidate_id']}").json()["source_id"] is None
    assert created == {"id": 12, "category": "job_board", "name": "Talent.io", "label": "Talent.io", "custom": True}
    assert known_now["source_id"] == 12
    assert fa.get(f"/ats/candidates/{known_now['ats_candidate_id']}").json()["source_id"] == 12
    assert case_differs["source_id"] is None  # exact matches only
    assert fa.get("/ats/candidate_sources/12").json()["name"] == "Talent.io"


def test_update_application_source_rejection_and_qualification(fa: FA) -> None:
    by_id = fa.put("/ats/applications/1", json={"id": 1, "source_id": "7"})
    by_string = fa.put("/ats/applications/1", json={"source": "Indeed"})
    unknown_id = fa.put("/ats/applications/1", json={"source_id": 99})
    rejected = fa.put(
        "/ats/applications/1",
        json={"ats_rejection_reason_id": 2, "qualified": False, "disqualified_reason": "Unfit for the role"},
    )
    rejected_state = _application_state(fa, 1)
    unknown_reason = fa.put("/ats/applications/1", json={"ats_rejection_reason_id": 42})
    reopened = fa.put("/ats/applications/1", json={"ats_rejection_reason_id": None})

    assert by_id.json()["source_id"] == 7
    assert by_string.json()["source_id"] == 4
    assert unknown_id.json()["errors"] == {"source_id": ["candidate source 99 does not exist"]}
    assert (rejected.json()["ats_rejection_reason_id"], rejected.json()["qualified"]) == (2, False)
    assert (rejected_state["outcome"], rejected_state["decisionMaker"], rejected_state["disqualifiedReason"]) == (
        "rejected",
        "company",
        "Unfit for the role",
    )
    assert unknown_reason.json()["errors"] == {"ats_rejection_reason_id": ["rejection reason 42 does not exist"]}
    assert reopened.json()["ats_rejection_reason_id"] is None
    assert _application_state(fa, 1)["outcome"] == "pending"


def test_put_cv_replaces_the_applications_cv(fa: FA) -> None:
    old_url = fa.get("/ats/applications/1").json()["cv"]["url"]

    updated = fa.put("/ats/applications/1", json={"cv": cv_object(b"%PDF new", "new.pdf")})

    assert updated.json()["cv"]["filename"] == "new.pdf"
    assert requests.get(updated.json()["cv"]["url"], timeout=10).content == b"%PDF new"
    assert requests.get(old_url, timeout=10).status_code == 404


def test_move_to_phase_and_the_outcome_reading(fa: FA) -> None:
    moved = fa.post("/ats/applications/move_to_phase", json={"id": "7", "ats_application_phase_id": 6})
    wrong_job = fa.post("/ats/applications/move_to_phase", json={"id": 7, "ats_application_phase_id": 7})
    unknown = fa.post("/ats/applications/move_to_phase", json={"id": 999, "ats_application_phase_id": 6})
    incomplete = fa.post("/ats/applications/move_to_phase", json={"id": 7})
    by_put = fa.put("/ats/applications/8", json={"ats_application_phase_id": 23})

    assert (moved.status_code, moved.json()["ats_application_phase_id"]) == (200, 6)
    assert _application_state(fa, 7)["outcome"] == "hired"
    assert [change["phaseId"] for change in _application_state(fa, 7)["history"]][-1] == 6
    assert wrong_job.json()["errors"] == {
        "ats_application_phase_id": ["application phase 7 does not belong to job posting 1"]
    }
    assert unknown.status_code == 404
    assert incomplete.json()["errors"] == {"ats_application_phase_id": ["can't be blank"]}
    assert (by_put.json()["ats_application_phase_id"], _application_state(fa, 8)["phaseType"]) == (23, "interview")


def test_application_list_filters(fa: FA) -> None:
    assert _ids(fa.get("/ats/applications", params={"ats_job_posting_id": 2})) == [3, 6, 10, 11, 12]
    assert _ids(fa.get("/ats/applications", params={"qualified": "false"})) == [3, 14]
    assert _ids(fa.get("/ats/applications", params={"ats_rejection_reason_ids[]": [3, 5]})) == [3, 6, 14]
    assert _ids(fa.get("/ats/applications", params={"ats_candidate_ids[]": 1})) == [1, 13]
    assert _ids(fa.get("/ats/applications", params={"search": "OKAFOR"})) == [3, 15]
    assert _ids(fa.get("/ats/applications", params={"ats_tags_ids[]": 2})) == [4, 16]
    assert _ids(fa.get("/ats/applications", params={"ats_application_phase_id": 5})) == [7]


def test_delete_application_removes_answers_and_files(fa: FA) -> None:
    cv_url = fa.get("/ats/applications/2").json()["cv"]["url"]

    deleted = fa.delete("/ats/applications/2")

    assert (deleted.status_code, deleted.json()["id"]) == (200, 2)
    assert fa.get("/ats/applications/2").status_code == 404
    assert fa.get("/ats/answers", params={"ats_application_ids[]": 2}).json()["data"] == []
    assert requests.get(cv_url, timeout=10).status_code == 404
    assert fa.get("/ats/candidates/2").json()["ats_job_posting_ids"] == [1]
