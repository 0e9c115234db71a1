"""Every input rule of the write path: exactly PLATFORM.INPUT_INVALID, a message naming the field, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.applications.models import Application, IdempotencyKey, Job
from apps.integrations.models import ApiKey, Integration
from tests.applications.writing import b64, candidate, option, question, required_answers, sandbox, stored_job

Body = dict[str, Any]
Change = Callable[[Body, Job], None]


@pytest.fixture
def job(integration: Integration) -> Job:
    return stored_job(integration)


@pytest.fixture
def post(api_key: ApiKey, integration: Integration) -> Callable[..., Any]:
    client = APIClient()

    def send(path: str, body: Body, **headers: str) -> Any:
        return client.post(
            f"/v1/ats/{path}", body, format="json", HTTP_AUTHORIZATION=f"Bearer {api_key.raw_key}",
            HTTP_X_INTEGRATION_ID=integration.id, **headers,
        )  # fmt: skip

    return send


def valid_body(job: Job) -> Body:
    return {"candidate": candidate(), "screening_question_answers": required_answers(job)}


def _candidate(**values: Any) -> Change:
    return lambda body, job: body["candidate"].update(values)


def _set(**values: Any) -> Change:
    return lambda body, job: body.update(values)


def _answer(number: int, value: Callable[[Job], Any]) -> Change:
    """Answer question `number` of the job with `value(job)` (replacing an answer to it)."""

    def change(body: Body, job: Job) -> None:
        target = question(job, number).id
        answers = [entry for entry in body["screening_question_answers"] if entry["question_id"] != target]
        body["screening_question_answers"] = [*answers, {"question_id": target, "answer": value(job)}]

    return change


def _without_answer(number: int) -> Change:
    def change(body: Body, job: Job) -> None:
        target = question(job, number).id
        body["screening_question_answers"] = [
            entry for entry in body["screening_question_answers"] if entry["question_id"] != target
        ]

    return change


PDF = {"name": "cv.pdf", "type": "CV", "content_type": "application/pdf", "data": b64(b"%PDF")}
CASES: list[tuple[str, Change, str]] = [
    ("country_lowercase", _candidate(location={"country": "de"}),
     "candidate.location.country: expected an uppercase ISO 3166-1 alpha-2 country code such as DE or US, not 'de'."),
    ("country_unknown", _candidate(location={"country": "XX"}),
     "candidate.location.country: expected an uppercase ISO 3166-1 alpha-2 country code such as DE or US, not 'XX'."),
    ("country_name", _candidate(location={"country": "Germany"}),
     "candidate.location.country: expected an uppercase ISO 3166-1 alpha-2 country code such as DE or US, not "
     "'Germany'."),
    ("country_missing", _candidate(location={"city": "Berlin"}), "candidate.location.country: This field is required."),
    ("first_name_missing", lambda body, job: body["candidate"].pop("first_name"),
     "candidate.first_name: This field is required."),
    ("first_name_number", _candidate(first_name=42), "candidate.first_name: Not a valid string."),
    ("company_number", _candidate(company=1e30), "candidate.company: Not a valid string."),
    ("stage_id_number", _set(stage_id=7), "stage_id: Not a valid string."),
    ("email_invalid", _candidate(email_address="ada-at-example"),
     "candidate.email_address: Enter a valid email address."),
    ("additional_email_type", _candidate(additional_email_addresses=[{"type": "HOME", "email_address": "a@b.example"}]),
     'candidate.additional_email_addresses[0].type: "HOME" is not a valid choice.'),
    ("gender", _candidate(gender="UNKNOWN"), 'candidate.gender: "UNKNOWN" is not a valid choice.'),
    ("availability_date", _candidate(availability_date="next week"),
     "candidate.availability_date: expected an ISO-8601 date such as 2021-01-01."),
    ("salary_period", _candidate(salary_expectations={"period": "WEEK", "amount": 100}),
     'candidate.salary_expectations.period: "WEEK" is not a valid choice.'),
    ("salary_negative", _candidate(salary_expectations={"period": "YEAR", "amount": -1}),
     "candidate.salary_expectations.amount: Ensure this value is greater than or equal to 0."),
    ("social_link_not_url", _candidate(social_links=[{"url": "linkedin/ada"}]),
     "candidate.social_links[0].url: expected an absolute http or https URL."),
    ("social_link_scheme", _candidate(social_links=[{"url": "https://ok.example"}, {"url": "ftp://files.example/a"}]),
     "candidate.social_links[1].url: expected an absolute http or https URL."),
    ("attachment_both", _set(attachments=[{**PDF, "data_url": "https://files.example/cv.pdf"}]),
     "attachments[0]: send exactly one of `data` (base64 content) and `data_url`."),
    ("attachment_neither", _set(attachments=[{"name": "cv.pdf", "type": "CV"}]),
     "attachments[0]: send exactly one of `data` (base64 content) and `data_url`."),
    ("attachment_content_type", _set(attachments=[{"name": "cv.pdf", "type": "CV", "data": b64(b"%PDF")}]),
     "attachments[0].content_type: required when `data` is sent."),
    ("attachment_content_type_blank", _set(attachments=[{**PDF, "content_type": "  "}]),
     "attachments[0].content_type: required when `data` is sent."),
    ("attachment_base64", _set(attachments=[{**PDF, "data": "not base64!"}]), "attachments[0].data: not valid base64."),
    ("attachment_padding_only", _set(attachments=[PDF, {**PDF, "data": "===="}]),
     "attachments[1].data: not valid base64."),
    ("attachment_type", _set(attachments=[{**PDF, "type": "RESUME"}]),
     'attachments[0].type: "RESUME" is not a valid choice.'),
    ("attachment_url_scheme", _set(attachments=[{"name": "a", "type": "CV", "data_url": "file:///etc/passwd"}]),
     "attachments[0].data_url: expected an absolute http or https URL."),
    ("question_unknown", lambda body, job: body["screening_question_answers"].append(
        {"question_id": "nope", "answer": "x"}),
     "screening_question_answers[4].question_id: the job has no screening question 'nope'."),
    ("question_twice", lambda body, job: body["screening_question_answers"].append(
        dict(body["screening_question_answers"][0])),
     "screening_question_answers[4].question_id: question {q1!r} is answered more than once."),
    ("text_type", _answer(1, lambda job: 42), "screening_question_answers[3].answer: TEXT questions take a string."),
    ("text_too_long", _answer(4, lambda job: "x" * 201),
     "screening_question_answers[4].answer: at most 200 characters (201 given)."),
    ("number_type", _answer(2, lambda job: "four"),
     "screening_question_answers[3].answer: NUMBER questions take a number."),
    ("number_boolean", _answer(2, lambda job: True),
     "screening_question_answers[3].answer: NUMBER questions take a number."),
    ("number_below_min", _answer(2, lambda job: -1), "screening_question_answers[3].answer: must be at least 0."),
    ("number_above_max", _answer(2, lambda job: 51), "screening_question_answers[3].answer: must be at most 50."),
    ("boolean_type", _answer(3, lambda job: "yes"),
     "screening_question_answers[3].answer: BOOLEAN questions take true or false."),
    ("date_invalid", _answer(7, lambda job: "31/12/2024"),
     "screening_question_answers[4].answer: DATE questions take an ISO-8601 date such as 2024-01-31."),
    ("single_select_unknown", _answer(5, lambda job: "lvl-9"),
     "screening_question_answers[3].answer: 'lvl-9' is not an option of question {q5!r}."),
    ("single_select_list", _answer(5, lambda job: [option(question(job, 5), "q-000001-lvl-1")]),
     "screening_question_answers[3].answer: SINGLE_SELECT questions take an option id."),
    ("multi_select_not_list", _answer(6, lambda job: option(question(job, 6), "q-000001-opt-1")),
     "screening_question_answers[4].answer: MULTI_SELECT questions take a list of option ids."),
    ("multi_select_twice", _answer(6, lambda job: [option(question(job, 6), "q-000001-opt-1")] * 2),
     "screening_question_answers[4].answer: option {opt1!r} is chosen twice."),
    ("file_type", _answer(8, lambda job: {"name": "cv.txt", "content_type": "text/plain", "data": b64(b"hi")}),
     "screening_question_answers[4].answer: the file type 'text/plain' is not accepted (accepted: application/pdf, "
     "application/msword)."),
    ("file_not_object", _answer(8, lambda job: "cv.pdf"),
     "screening_question_answers[4].answer: FILE questions take a file object with `name` and `data` or `data_url`."),
    ("required_missing", _without_answer(2),
     "screening_question_answers: question {q2!r} (Years of experience) is required."),
    ("stage_of_another_job", _set(stage_id="remote:stage-000002-1"),
     "stage_id: 'remote:stage-000002-1' is not a stage of this application's job."),
    ("remote_fields_not_object", _set(remote_fields={"sandbox": "x"}), "remote_fields.sandbox: expected an object."),
]  # fmt: skip


def _expected(message: str, job: Job) -> str:
    return message.format(
        q1=question(job, 1).id, q2=question(job, 2).id, q5=question(job, 5).id,
        opt1=option(question(job, 6), "q-000001-opt-1"),
    )  # fmt: skip


@pytest.mark.parametrize(("_case", "change", "message"), CASES, ids=[case[0] for case in CASES])
def test_invalid_create_application_input_names_the_field(
    _case: str, change: Change, message: str, post: Callable[..., Any], job: Job, integration: Integration
) -> None:
    # given
    body = valid_body(job)
    change(body, job)
    before = sandbox(integration).count("applications")

    # when
    response = post(f"jobs/{job.id}/applications", body)

    # then
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["code"] == "PLATFORM.INPUT_INVALID"
    assert response.json()["error"]["message"] == _expected(message, job)
    assert sandbox(integration).count("applications") == before
    assert not Application.objects.filter(integration=integration).exists()


def test_a_required_question_behind_a_precondition_is_required_only_when_shown(
    post: Callable[..., Any], job: Job, integration: Integration
) -> None:
    # given: "Which visa do you hold?" (shown when "Do you need a work visa?" is answered yes) made required
    visa = question(job, 4)
    body, hidden = valid_body(job), valid_body(job)
    visa.required = True
    visa.save(update_fields=["required"])

    # when: the precondition holds, the question must be answered
    body["screening_question_answers"][2] = {"question_id": question(job, 3).id, "answer": True}
    refused = post(f"jobs/{job.id}/applications", body)
    # it does not hold: the question is not shown, and an answer to it is dropped with a warning
    hidden["screening_question_answers"].append({"question_id": visa.id, "answer": "H-1B"})
    accepted = post(f"jobs/{job.id}/applications", hidden)

    # then
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == (
        f"screening_question_answers: question {visa.id!r} (Which visa do you hold today?) is required."
    )
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["warnings"] == [
        {
            "message": f"screening_question_answers: question {visa.id!r} is not shown for the other answers "
            "(precondition); not sent."
        }
    ]
    written = sandbox(integration).get("applications", accepted.json()["data"]["remote_id"])
    assert [answer["question_id"] for answer in written["answers"]] == [  # type: ignore[index]
        "q-000001-1", "q-000001-2", "q-000001-3", "q-000001-5",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("_case", "path", "status", "message"),
    [
        ("unknown_job", "jobs/3PJ8PZhZZa1eEdd2DtPNtVup/applications", 404,
         "job_id: no job with ID '3PJ8PZhZZa1eEdd2DtPNtVup' exists in this integration."),
        ("empty_remote_job", "jobs/remote:/applications", 400,
         "job_id: `remote:` must be followed by the job's remote ID."),
        ("remote_job_not_in_ats", "jobs/remote:job-999999/applications", 404,
         "job_id: the ATS has no job with remote ID 'job-999999'."),
    ],
)  # fmt: skip
def test_job_ids_that_resolve_to_nothing(
    _case: str, path: str, status: int, message: str, post: Callable[..., Any], integration: Integration
) -> None:
    response = post(path, {"candidate": candidate()})

    assert (response.status_code, response.json()["error"]["message"]) == (status, message)
    assert response.json()["error"]["code"] == (
        "REMOTE.INPUT_INVALID" if _case == "remote_job_not_in_ats" else "PLATFORM.INPUT_INVALID"
    )


def test_unknown_sourced_by_user_and_long_idempotency_key(post: Callable[..., Any], job: Job) -> None:
    body = {**valid_body(job), "sourced_by": {"user_id": "3PJ8PZhZZa1eEdd2DtPNtVup"}}

    unknown_user = post(f"jobs/{job.id}/applications", body)
    long_key = post(f"jobs/{job.id}/applications", valid_body(job), HTTP_IDEMPOTENCY_KEY="k" * 256)

    assert (unknown_user.status_code, unknown_user.json()["error"]["message"]) == (
        404,
        "sourced_by.user_id: no user with ID '3PJ8PZhZZa1eEdd2DtPNtVup' exists in this integration.",
    )
    assert (long_key.status_code, long_key.json()["error"]["message"]) == (
        400,
        "Idempotency-Key: at most 255 characters.",
    )
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize(
    ("_case", "path", "body", "message"),
    [
        ("note_content_type", "notes", {"content": "Hi", "content_type": "HTML"},
         'content_type: "HTML" is not a valid choice.'),
        ("link_url", "result-links", {"label": "Report", "url": "javascript:alert(1)"},
         "url: expected an absolute http or https URL."),
        ("link_details", "result-links", {"label": "R", "url": "https://r.example", "details": {"attributes": []}},
         "details.custom_field_name_prefix: This field is required."),
        ("stage_missing", "stage", {}, "stage_id: This field is required."),
        ("reason_missing", "reject", {"note": "x"}, "rejection_reason_id: This field is required."),
        ("attachment_missing", "attachments", {}, "attachment: This field is required."),
    ],
)  # fmt: skip
def test_invalid_action_input_names_the_field(
    _case: str, path: str, body: Body, message: str, post: Callable[..., Any], api_key: ApiKey,
    integration: Integration,
) -> None:  # fmt: skip
    client = APIClient()
    method = client.put if path == "stage" else client.post

    response = method(
        f"/v1/ats/applications/3PJ8PZhZZa1eEdd2DtPNtVup/{path}", body, format="json",
        HTTP_AUTHORIZATION=f"Bearer {api_key.raw_key}", HTTP_X_INTEGRATION_ID=integration.id,
    )  # fmt: skip

    assert (response.status_code, response.json()["error"]["code"]) == (400, "PLATFORM.INPUT_INVALID")
    assert response.json()["error"]["message"] == message
