"""Factorial JSON → DTOs and DTOs → request bodies: the quirks, without HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from apps.connectors.dtos import (
    AttachmentInput,
    CandidateInput,
    CreateApplicationInput,
    GdprConsent,
    RemoteScreeningQuestion,
    ScreeningAnswer,
    ScreeningAnswerInput,
)
from apps.connectors.factorial import mapping
from apps.connectors.factorial.client import api_id, remote_id, token_credentials


@pytest.mark.parametrize(
    ("_case", "value", "expected"),
    [
        ("integer", 42, "42"),
        ("string", "42", "42"),
        ("padded string", " 7 ", "7"),
        ("null", None, None),
        ("boolean is no id", True, None),
        ("empty", "", None),
    ],
)
def test_remote_ids_accept_integers_and_strings(_case: str, value: object, expected: str | None) -> None:
    assert remote_id(value) == expected


def test_api_ids_are_integers_or_nothing() -> None:
    assert (api_id("15"), api_id("x-15"), api_id("")) == (15, None, None)


@pytest.mark.parametrize(
    ("_case", "application", "phase", "outcome"),
    [
        ("in process", {"ats_rejection_reason_id": None}, {"phase_type": "interview"}, "PENDING"),
        ("hired", {"ats_rejection_reason_id": None}, {"phase_type": "hired"}, "HIRED"),
        ("hired, doc-example casing", {}, {"phase_type": "Hired"}, "HIRED"),
        ("rejected", {"ats_rejection_reason_id": 3}, {"phase_type": "offer"}, "DECLINED"),
        ("a reason wins over the phase", {"ats_rejection_reason_id": "3"}, {"phase_type": "hired"}, "DECLINED"),
        ("disqualified by a knockout answer only", {"qualified": False}, {"phase_type": "initial"}, "PENDING"),
        ("phase unknown", {}, None, "PENDING"),
    ],
)
def test_outcome(_case: str, application: dict, phase: dict | None, outcome: str) -> None:
    assert mapping.outcome(application, phase) == outcome


@pytest.mark.parametrize(
    ("_case", "raw", "expected"),
    [
        ("text", {"original_question_type": "text", "value": "5"}, ("TEXT", "5")),
        ("long text", {"original_question_type": "long_text", "value": " Hi "}, ("TEXT", "Hi")),
        ("single choice", {"original_question_type": "single_choice", "value": "Yes"}, ("SINGLE_SELECT", "Yes")),
        (
            "several choices as a JSON array",
            {"original_question_type": "multiple_choice", "value": '["Go", "Python"]'},
            ("MULTI_SELECT", ["Go", "Python"]),
        ),
        ("one choice as text", {"original_question_type": "multiple_choice", "value": "Go"}, ("MULTI_SELECT", ["Go"])),
        ("a list value", {"original_question_type": "multiple_choice", "value": ["Go"]}, ("MULTI_SELECT", ["Go"])),
        ("unknown type", {"original_question_type": "rating", "value": 4}, ("UNKNOWN", 4)),
    ],
)
def test_screening_answers(_case: str, raw: dict, expected: tuple[str, object]) -> None:
    answer = mapping.screening_answer({"ats_question_id": 9, "original_question_label": "Q", **raw})

    assert answer == ScreeningAnswer("9", "Q", *expected)


def test_file_answers_are_left_out() -> None:
    raw = {
        "ats_question_id": 9,
        "original_question_label": "CV",
        "original_question_type": "file",
        "value": "https://x",
    }

    assert mapping.screening_answer(raw) is None


def test_an_unknown_question_type_keeps_the_raw_question() -> None:
    raw = {"id": 4, "label": "Rate us", "question_type": "rating", "position": 2, "mandatory": True, "options": []}

    assert mapping.screening_question(raw) == RemoteScreeningQuestion(
        remote_id="4", title="Rate us", format_type="UNKNOWN", format_details={"raw_question": raw},
        required=True, index=2, remote_data=raw,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("_case", "fields", "expected"),
    [
        ("schedule", {"schedule_type": "part_time", "contract_type": "indefinite"}, "PART_TIME"),
        ("internship", {"schedule_type": "full_time", "contract_type": "intern"}, "INTERNSHIP"),
        ("freelance", {"schedule_type": "full_time", "contract_type": "freelance"}, "CONTRACT"),
        ("seasonal", {"contract_type": "fixed_discontinued"}, "SEASONAL"),
        ("nothing", {}, None),
    ],
)
def test_employment_type(_case: str, fields: dict, expected: str | None) -> None:
    assert mapping.job({"id": 1, "status": "published", **fields}).employment_type == expected


def test_job_salary_fixed_amount_status_and_remote_flag() -> None:
    job = mapping.job(
        {
            "id": "3", "title": "Chef", "status": "archived", "salary_format": "fixed_amount",
            "salary_from_amount_in_cents": 3_500_050, "salary_to_amount_in_cents": None, "salary_period": "daily",
            "workplace_type": None, "remote": True, "published_at": "2024-07-02T08:28:00.000Z",
        }
    )  # fmt: skip

    assert (job.remote_id, job.status, job.visibility, job.job_postings[0].status) == (
        "3", "ARCHIVED", None, "INACTIVE",
    )  # fmt: skip
    assert (job.salary_amount, job.salary_amount_from, job.salary_amount_to, job.salary_period) == (
        35000.5, None, None, "DAY",
    )  # fmt: skip
    assert job.remote_work_status == "REMOTE"
    assert job.opened_at == datetime(2024, 7, 2, 8, 28, tzinfo=UTC)


def test_timestamps_with_offsets_become_utc() -> None:
    assert mapping.dt("2024-08-22T14:30:00-07:00") == datetime(2024, 8, 22, 21, 30, tzinfo=UTC)
    assert mapping.dt("not a date") is None


def test_company_tokens_never_expire_and_user_tokens_count_from_created_at() -> None:
    company = token_credentials({"access_token": "a", "refresh_token": "r", "created_at": 1680013957}, now=5.0)
    user = token_credentials({"access_token": "a", "expires_in": 7200, "created_at": 1680013957}, now=5.0)
    no_created_at = token_credentials({"access_token": "a", "expires_in": 3600}, now=100.0)

    assert company == {"access_token": "a", "refresh_token": "r", "expires_at": ""}
    assert user == {"access_token": "a", "expires_at": str(1680013957 + 7200)}
    assert no_created_at["expires_at"] == "3700"


def test_apply_body() -> None:
    cv = AttachmentInput(name="cv.pdf", type="CV", content_type="application/pdf", data=b"%PDF")
    portfolio = AttachmentInput(name="p.pdf", type="OTHER", content_type="application/pdf", data=b"P")
    body = mapping.apply_body(
        CreateApplicationInput(
            job_remote_id="1",
            candidate=CandidateInput("Ada", "Lovelace", "ada@example.com", phone_number="+44", gender="OTHER"),
            screening_answers=(
                ScreeningAnswerInput("5", "TEXT", "hi"),
                ScreeningAnswerInput("6", "MULTI_SELECT", ("Go", "Python")),
                ScreeningAnswerInput("7", "FILE", portfolio),
                ScreeningAnswerInput("8", "NUMBER", 3.0),
                ScreeningAnswerInput("9", "DATE", date(2025, 3, 1)),
                ScreeningAnswerInput("not-factorial", "TEXT", "dropped"),
            ),
            gdpr_consent=GdprConsent(given=False),
        ),
        job_id=1,
        source="Acme Jobs",
        cv=cv,
    )

    assert body == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "ats_job_posting_id": 1,
        "phone": "+44",
        "gender": "other",
        "source": "Acme Jobs",
        "consent_to_talent_pool": False,
        "answers": [
            {"ats_question_id": 5, "value": "hi"},
            {"ats_question_id": 6, "value": ["Go", "Python"]},
            {
                "ats_question_id": 7,
                "value": {"filename": "p.pdf", "content_type": "application/pdf", "content": "UA=="},
            },
            {"ats_question_id": 8, "value": "3"},
            {"ats_question_id": 9, "value": "2025-03-01"},
        ],
        "cv": {"filename": "cv.pdf", "content_type": "application/pdf", "content": "JVBERg=="},
    }
