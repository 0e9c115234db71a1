"""The Application API: screening configuration with conditionals, apply with answers and files, validation."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from tests.connectors.smartrecruiters.conftest import SR


def _posting(sr: SR, index: int = 0) -> tuple[str, list[str]]:
    job = sr.state()["jobs"][index]
    return job["posting"]["uuid"], job["posting"]["questionIds"]


def _person(**extra: Any) -> dict[str, Any]:
    return {"firstName": "Jane", "lastName": "Doe", "email": "jane.apply@example.com", **extra}


def _answers(questions: list[str], *, permit: str = "yes", years: str = "7", **more: list[dict]) -> list[dict]:
    answers = [
        {"id": questions[0], "records": [{"fields": {"f-permit": [permit]}}]},
        {"id": questions[2], "records": [{"fields": {"f-years": [years]}}]},
    ]
    for question_index, records in more.items():
        answers.append({"id": questions[int(question_index[1:])], "records": records})
    return answers


def _apply_error(response: Any) -> tuple[int, str, str]:
    body = response.json()
    assert set(body) == {"id", "code", "message"}
    return response.status_code, body["code"], body["message"]


def test_configuration_lists_every_field_type_and_the_conditional(sr: SR) -> None:
    uuid, questions = _posting(sr)

    plain = sr.get(f"/postings/{uuid}/configuration").json()
    with_conditionals = sr.get(f"/postings/{uuid}/configuration", params={"conditionalsIncluded": "true"}).json()

    assert [q["id"] for q in plain["questions"]] == questions
    assert [q["fields"][0]["type"] for q in plain["questions"]] == [
        "RADIO",
        "SINGLE_SELECT",
        "INPUT_TEXT",
        "TEXTAREA",
        "MULTI_SELECT",
        "CHECKBOX",
        "INFORMATION",
    ]
    assert plain["questions"][0] == {
        "id": questions[0],
        "label": "Are you legally authorized to work in Spain?",
        "repeatable": False,
        "fields": [
            {
                "id": "f-permit",
                "label": "",
                "type": "RADIO",
                "required": True,
                "values": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}],
            }
        ],
    }
    assert plain["settings"] == {"avatarUploadAvailable": False}
    assert with_conditionals["settings"]["conditionals"] == [
        {
            "parentQuestionId": questions[0],
            "fieldId": "f-permit",
            "valueIds": ["no"],
            "conditionalQuestions": [questions[1]],
        }
    ]
    assert plain["privacyPolicies"] == [{"url": "https://acme.example/privacy", "orgName": "Acme Corp"}]


def test_apply_with_answers_resume_and_attachments(sr: SR) -> None:
    uuid, questions = _posting(sr)
    resume = b"%PDF-1.4 resume"
    cover = b"%PDF-1.4 cover"

    response = sr.post(
        f"/postings/{uuid}/candidates",
        json=_person(
            answers=_answers(
                questions, q4=[{"fields": {"f-languages": ["en", "de"]}}], q5=[{"fields": {"f-updates": ["true"]}}]
            ),
            resume={
                "fileName": "cv.pdf",
                "mimeType": "application/pdf",
                "fileContent": base64.b64encode(resume).decode(),
            },
            attachments=[
                {
                    "fileName": "cover.pdf",
                    "mimeType": "application/pdf",
                    "fileContent": base64.b64encode(cover).decode(),
                }
            ],
            sourceDetails={"sourceTypeId": "organic", "sourceSubTypeId": "career_page", "sourceId": "career_site"},
            messageToHiringManager="Looking forward",
            consentDecisions={"SINGLE": True},
        ),
    )
    body = response.json()
    state = sr.state()
    application = next(a for a in state["applications"] if a["candidateId"] == body["id"])
    files = [a for a in state["attachments"] if a["candidateId"] == body["id"]]
    status = sr.get(f"/postings/{uuid}/candidates/{body['id']}/status").json()
    answers = sr.get(f"/candidates/{body['id']}/jobs/{application['jobId']}/screening-answers").json()

    assert response.status_code == 201
    assert set(body) == {"id", "createdOn", "candidatePortalUrl", "smartrJoinUrl"}
    assert body["createdOn"] == "2025-03-01T12:00:00.000Z"
    assert application["status"] == "NEW"
    assert application["source"]["label"] == "Career Site"
    assert application["messageToHiringManager"] == "Looking forward"
    assert [q["id"] for q in application["answers"]] == [questions[0], questions[2], questions[4], questions[5]]
    assert [(f["name"], f["type"], f["sha256"]) for f in files] == [
        ("cv.pdf", "RESUME", hashlib.sha256(resume).hexdigest()),
        ("cover.pdf", "GENERIC_FILE", hashlib.sha256(cover).hexdigest()),
    ]
    assert status == {"status": "NEW"}
    assert [a["type"] for a in answers["content"]] == ["radio", "text", "select", "checkbox"]
    assert answers["content"][2]["records"][0]["fields"][0]["values"] == [
        {"id": "en", "label": "English"},
        {"id": "de", "label": "German"},
    ]


def test_flat_answer_records_are_accepted_too(sr: SR) -> None:
    uuid, questions = _posting(sr)
    flat = [
        {"id": questions[0], "records": [{"f-permit": ["yes"]}]},
        {"id": questions[2], "records": [{"f-years": "3"}]},
    ]

    response = sr.post(f"/postings/{uuid}/candidates", json=_person(answers=flat))

    assert response.status_code == 201


def test_missing_required_answers_are_listed(sr: SR) -> None:
    uuid, questions = _posting(sr)

    response = sr.post(f"/postings/{uuid}/candidates", json=_person(answers=[]))

    assert _apply_error(response) == (
        400,
        "DATA_VALIDATION_ERROR",
        f"The following screening questions are required: {questions[0]}, {questions[2]}.",
    )
    assert sr.state()["counts"]["candidates"] == 12


def test_conditional_question_becomes_required_when_triggered(sr: SR) -> None:
    uuid, questions = _posting(sr)

    without = sr.post(f"/postings/{uuid}/candidates", json=_person(answers=_answers(questions, permit="no")))
    with_visa = sr.post(
        f"/postings/{uuid}/candidates",
        json=_person(answers=_answers(questions, permit="no", q1=[{"fields": {"f-visa": ["blue_card"]}}])),
    )

    assert _apply_error(without) == (
        400,
        "DATA_VALIDATION_ERROR",
        f"The following screening questions are required: {questions[1]}.",
    )
    assert with_visa.status_code == 201


def test_answer_to_an_untriggered_conditional_is_dropped(sr: SR) -> None:
    uuid, questions = _posting(sr)

    created = sr.post(
        f"/postings/{uuid}/candidates",
        json=_person(answers=_answers(questions, permit="yes", q1=[{"fields": {"f-visa": ["other"]}}])),
    ).json()

    stored = next(a for a in sr.state()["applications"] if a["candidateId"] == created["id"])["answers"]
    assert [answer["id"] for answer in stored] == [questions[0], questions[2]]


@pytest.mark.parametrize(
    ("_case", "extra"),
    [
        ("radio value not offered", {"permit": "maybe"}),
        ("two values for a radio", {"q0": None}),
        ("text longer than 4000 bytes", {"years": "9" * 4001}),
        ("unknown multi-select value", {"q4": [{"fields": {"f-languages": ["klingon"]}}]}),
        ("checkbox not boolean", {"q5": [{"fields": {"f-updates": ["yes"]}}]}),
        (
            "second record on a non-repeatable question",
            {"q3": [{"fields": {"f-motivation": ["a"]}}, {"fields": {"f-motivation": ["b"]}}]},
        ),
        ("unknown field", {"q3": [{"fields": {"f-nope": ["a"]}}]}),
    ],
)
def test_incorrect_values_are_listed(sr: SR, _case: str, extra: dict) -> None:
    uuid, questions = _posting(sr)
    if "q0" in extra:
        answers = [
            {"id": questions[0], "records": [{"fields": {"f-permit": ["yes", "yes"]}}]},
            {"id": questions[2], "records": [{"fields": {"f-years": ["1"]}}]},
        ]
        wrong = questions[0]
    else:
        answers = _answers(questions, **extra)
        wrong = {
            "permit": questions[0],
            "years": questions[2],
            "q4": questions[4],
            "q5": questions[5],
            "q3": questions[3],
        }[next(iter(extra))]

    response = sr.post(f"/postings/{uuid}/candidates", json=_person(answers=answers))

    assert _apply_error(response) == (
        400,
        "DATA_VALIDATION_ERROR",
        f"Values for the following screening questions' answers are incorrect: {wrong}.",
    )


def test_answer_to_an_unknown_question_is_incorrect(sr: SR) -> None:
    uuid, questions = _posting(sr)
    answers = [*_answers(questions), {"id": "not-a-question", "records": [{"fields": {"x": ["y"]}}]}]

    response = sr.post(f"/postings/{uuid}/candidates", json=_person(answers=answers))

    assert (
        _apply_error(response)[2]
        == "Values for the following screening questions' answers are incorrect: not-a-question."
    )


@pytest.mark.parametrize(
    ("_case", "body", "status", "code", "message"),
    [
        (
            "no first name",
            {"lastName": "D", "email": "d@example.com"},
            400,
            "INVALID_INPUT",
            "firstName: must not be empty",
        ),
        (
            "bad email",
            {"firstName": "A", "lastName": "D", "email": "d"},
            400,
            "INVALID_INPUT",
            "email: must be a well-formed email address",
        ),
        (
            "bad base64",
            {"resume": {"fileName": "cv.pdf", "mimeType": "application/pdf", "fileContent": "@@@"}},
            400,
            "FILE_UPLOAD_ERROR",
            "resume: fileContent is not valid base64",
        ),
        (
            "file type",
            {"resume": {"fileName": "cv.exe", "mimeType": "application/x-msdownload", "fileContent": "QQ=="}},
            400,
            "FILE_UPLOAD_ERROR",
            "resume: file type application/x-msdownload is not allowed",
        ),
        (
            "too big",
            {
                "attachments": [
                    {
                        "fileName": "big.pdf",
                        "mimeType": "application/pdf",
                        "fileContent": base64.b64encode(b"0" * (2 * 1024 * 1024 + 1)).decode(),
                    }
                ]
            },
            400,
            "FILE_UPLOAD_ERROR",
            "attachments[0]: file is larger than 2 MB",
        ),
        (
            "consent keys",
            {"consentDecisions": {"EVERYTHING": True}},
            400,
            "INVALID_INPUT",
            "consentDecisions: invalid consent decisions",
        ),
        (
            "bad source",
            {"sourceDetails": {"sourceTypeId": "paid", "sourceId": "nope"}},
            400,
            "INVALID_INPUT",
            "Source nope of type paid does not exist",
        ),
    ],
)
def test_apply_input_errors(sr: SR, _case: str, body: dict, status: int, code: str, message: str) -> None:
    uuid, questions = _posting(sr)
    payload = {**_person(answers=_answers(questions)), **body}
    if "firstName" not in body and "email" in body:
        payload.pop("firstName")

    response = sr.post(f"/postings/{uuid}/candidates", json=payload)

    assert _apply_error(response) == (status, code, message)
    assert sr.state()["counts"]["candidates"] == 12


def test_apply_twice_and_unknown_posting_and_malformed_json(sr: SR) -> None:
    uuid, questions = _posting(sr)
    sr.post(f"/postings/{uuid}/candidates", json=_person(answers=_answers(questions)))

    twice = sr.post(f"/postings/{uuid}/candidates", json=_person(answers=_answers(questions)))
    unknown = sr.post("/postings/00000000-0000-0000-0000-000000000000/candidates", json=_person())
    unpublished_uuid, _ = _posting(sr, 3)
    unpublished = sr.get(f"/postings/{unpublished_uuid}/configuration")
    malformed = sr.post(f"/postings/{uuid}/candidates", data="{oops", headers={"Content-Type": "application/json"})

    assert _apply_error(twice) == (409, "INVALID_REQUEST", "Candidate has already applied to this posting")
    assert _apply_error(unknown) == (
        404,
        "RESOURCE_NOT_FOUND_ERROR",
        "Posting with id 00000000-0000-0000-0000-000000000000 not found",
    )
    assert _apply_error(unpublished)[0:2] == (404, "RESOURCE_NOT_FOUND_ERROR")
    assert _apply_error(malformed) == (400, "INVALID_REQUEST", "Malformed JSON body")


def test_apply_api_auth_errors_use_its_own_format(sr: SR) -> None:
    uuid, _ = _posting(sr)

    response = sr.as_({"X-SmartToken": "DCRA1-bad"}).get(f"/postings/{uuid}/configuration")

    assert _apply_error(response) == (401, "INVALID_API_KEY_ERROR", "Invalid API key")


def test_status_after_a_move_uses_the_apply_status_names(sr: SR) -> None:
    uuid, questions = _posting(sr)
    created = sr.post(f"/postings/{uuid}/candidates", json=_person(answers=_answers(questions))).json()
    job_id = sr.state()["jobs"][0]["id"]

    sr.put(f"/candidates/{created['id']}/jobs/{job_id}/status", json={"status": "OFFERED"})
    offered = sr.get(f"/postings/{uuid}/candidates/{created['id']}/status").json()
    sr.put(f"/candidates/{created['id']}/jobs/{job_id}/status", json={"status": "HIRED"})
    hired = sr.get(f"/postings/{uuid}/candidates/{created['id']}/status").json()

    assert (offered, hired) == ({"status": "OFFER"}, {"status": "HIRE"})
