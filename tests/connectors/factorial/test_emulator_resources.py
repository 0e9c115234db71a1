"""The ATS resource families (besides applications) and employees: reads, filters, writes, errors."""

from __future__ import annotations

import pytest

from apps.connectors.emulation.clock import ManualClock
from tests.connectors.factorial.conftest import FA


def _ids(response) -> list[int]:  # noqa: ANN001 - a requests.Response
    return [item["id"] for item in response.json()["data"]]


# -- job postings ---------------------------------------------------------------------------------------
def test_job_posting_reads_as_the_sdk_model(fa: FA) -> None:
    assert fa.get("/ats/job_postings/1").json() == {
        "id": 1,
        "company_id": 1,
        "ats_company_id": 1,
        "title": "Backend Engineer",
        "description": "<p>Join Acme Corp as Backend Engineer.</p>",
        "contract_type": "indefinite",
        "category": "engineering",
        "workplace_type": "hybrid",
        "remote": False,
        "status": "published",
        "schedule_type": "full_time",
        "team_id": 1,
        "location_id": 1,
        "legal_entity_id": 1,
        "salary_format": "range",
        "salary_from_amount_in_cents": 4000000,
        "salary_to_amount_in_cents": 6000000,
        "hide_salary": False,
        "cv_requirement": "optional",
        "cover_letter_requirement": "optional",
        "phone_requirement": "optional",
        "photo_requirement": "do_not_ask",
        "personal_url_requirement": "do_not_ask",
        "url": f"{fa.url}/job_posting/backend-engineer-1",
        "salary_period": "annual",
        "published_at": "2024-01-09T09:00:00.000Z",
        "created_at": "2024-01-08T09:00:00.000Z",
    }


def test_job_posting_filters(fa: FA) -> None:
    assert _ids(fa.get("/ats/job_postings")) == [1, 2, 3, 4]
    assert _ids(fa.get("/ats/job_postings", params={"status": "draft"})) == [3]
    assert _ids(fa.get("/ats/job_postings", params={"team_id": 1})) == [1, 4]
    assert _ids(fa.get("/ats/job_postings", params={"ids[]": [2, 4]})) == [2, 4]
    assert fa.get("/ats/job_postings", params={"status": "open"}).status_code == 400


def test_job_posting_create_update_duplicate_delete(fa: FA) -> None:
    created = fa.post(
        "/ats/job_postings",
        json={
            "title": "SRE",
            "status": "draft",
            "cv_requirement": "mandatory",
            "cover_letter_requirement": "do_not_ask",
            "phone_requirement": "optional",
            "photo_requirement": "do_not_ask",
            "personal_url_requirement": "do_not_ask",
            "workplace_type": "remote",
            "remote": True,
        },
    )
    job_id = created.json()["id"]
    phases = fa.get("/ats/application_phases", params={"ats_job_posting_ids[]": job_id}).json()["data"]
    published = fa.put(f"/ats/job_postings/{job_id}", json={"id": job_id, "status": "published"})
    duplicate = fa.post("/ats/job_postings/duplicate", json={"id": "1"})
    copy_id = duplicate.json()["id"]
    deleted = fa.delete("/ats/job_postings/2")

    assert (created.status_code, job_id, created.json()["cv_requirement"]) == (201, 5, "mandatory")
    assert [(p["name"], p["phase_type"], p["editable"]) for p in phases] == [
        ("New", "initial", False),
        ("In review", "screening", True),
        ("Assessment", "assessment", True),
        ("Interview", "interview", True),
        ("Offer", "offer", True),
        ("Hired", "hired", False),
    ]
    assert (published.json()["status"], published.json()["published_at"]) == ("published", "2025-03-01T12:00:00.000Z")
    assert (duplicate.status_code, copy_id, duplicate.json()["status"]) == (201, 6, "draft")
    assert duplicate.json()["title"] == "Backend Engineer (copy)"
    assert len(fa.get("/ats/questions", params={"ats_job_posting_ids[]": copy_id}).json()["data"]) == 5
    assert len(fa.get("/ats/application_phases", params={"ats_job_posting_ids[]": copy_id}).json()["data"]) == 6
    assert (deleted.status_code, deleted.json()["status"]) == (200, "deleted")
    assert 2 not in _ids(fa.get("/ats/job_postings"))
    assert _ids(fa.get("/ats/job_postings", params={"status": "deleted"})) == [2]


def test_job_posting_validation_names_the_field(fa: FA) -> None:
    response = fa.post("/ats/job_postings", json={"title": "X", "status": "open"})

    assert (response.status_code, response.json()) == (
        422,
        {
            "error": "unprocessable_entity",
            "error_description": "status: must be one of archived, cancelled, deleted, draft, published, unlisted",
            "errors": {"status": ["must be one of archived, cancelled, deleted, draft, published, unlisted"]},
        },
    )


def test_malformed_json_is_400_and_unknown_ids_404(fa: FA) -> None:
    malformed = fa.post("/ats/candidates", data="{nope", headers={"Content-Type": "application/json"})
    unknown = fa.get("/ats/job_postings/999")
    not_a_number = fa.get("/ats/candidates/abc")

    assert (malformed.status_code, malformed.json()) == (
        400,
        {"error": "bad_request", "error_description": "Malformed JSON body"},
    )
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"error": "not_found", "error_description": "Couldn't find Ats::JobPosting with 'id'=999"},
    )
    assert not_a_number.status_code == 404


# -- pipeline -------------------------------------------------------------------------------------------
def test_application_phases_per_job_with_live_counts(fa: FA) -> None:
    phases = fa.get("/ats/application_phases", params={"ats_job_posting_ids[]": 1}).json()["data"]

    # Job 1 has application 7 (offer, pending) and application 14 (interview, rejected).
    assert [(p["id"], p["phase_type"], p["applications_count"], p["active_applications_count"]) for p in phases] == [
        (1, "initial", 0, 0),
        (2, "screening", 0, 0),
        (3, "assessment", 0, 0),
        (4, "interview", 1, 0),
        (5, "offer", 1, 1),
        (6, "hired", 0, 0),
    ]
    assert fa.get("/ats/application_phases/11").json() == {
        "id": 11,
        "ats_job_posting_id": 2,
        "name": "Culture fit",
        "position": 4,
        "editable": True,
        "phase_type": "normal",
        "applications_count": 0,
        "active_applications_count": 0,
        "ats_hiring_stage_id": 4,
    }


def test_hiring_stages_and_the_stage_of_a_phase(fa: FA) -> None:
    stages = fa.get("/ats/hiring_stages").json()["data"]

    assert [(s["id"], s["name"], s["label"], s["position"]) for s in stages] == [
        (1, "new", "New", 0),
        (2, "screening", "Screening", 1),
        (3, "assessment", "Assessment", 2),
        (4, "interview", "Interview", 3),
        (5, "offer", "Offer", 4),
        (6, "hired", "Hired", 5),
    ]
    assert _ids(fa.get("/ats/hiring_stages", params={"ats_application_phase_id": 11})) == [4]
    assert fa.get("/ats/hiring_stages/6").json() == {
        "id": 6,
        "name": "hired",
        "label": "Hired",
        "company_id": 1,
        "position": 5,
    }


# -- catalogues -----------------------------------------------------------------------------------------
def test_candidate_sources_are_a_read_only_catalogue(fa: FA) -> None:
    sources = fa.get("/ats/candidate_sources").json()["data"]
    created = fa.post("/ats/candidate_sources", json={"name": "Mine", "category": "job_board"})
    updated = fa.put("/ats/candidate_sources/2", json={"name": "x"})

    assert [(s["id"], s["category"], s["name"], s["label"]) for s in sources] == [
        (1, "manually_added", "manually_added", "Manually added"),
        (2, "referral", "referred", "Referred"),
        (3, "social_media", "linkedin", "LinkedIn"),
        (4, "job_board", "indeed", "Indeed"),
        (5, "job_board", "infojobs", "InfoJobs"),
        (6, "organic", "career_page", "Career page"),
        (7, "agency_or_external_recruiter", "agency", "Agency"),
        (8, "event", "event", "Event"),
        (9, "internal", "internal", "Internal"),
        (10, "system", "api", "API"),
        (11, "job_board", "Acme Jobs", "Acme Jobs"),
    ]
    assert fa.get("/ats/candidate_sources/2").json() == {
        "id": 2,
        "company_id": 1,
        "category": "referral",
        "name": "referred",
        "label": "Referred",
    }
    assert (created.status_code, created.headers["Allow"]) == (405, "GET")
    assert (updated.status_code, updated.headers["Allow"]) == (405, "GET")
    assert fa.state()["counts"]["candidateSources"] == 11


def test_rejection_reasons(fa: FA) -> None:
    reasons = fa.get("/ats/rejection_reasons").json()["data"]

    assert [(r["id"], r["decision_maker"], r["reason"]) for r in reasons] == [
        (1, "company", "Unfit for the role"),
        (2, "company", "Not enough experience"),
        (3, "company", "Position filled"),
        (4, "company", "Salary expectations too high"),
        (5, "candidate", "Accepted another offer"),
        (6, "candidate", "No longer interested"),
    ]
    assert _ids(fa.get("/ats/rejection_reasons", params={"ats_application_ids[]": [3, 6, 1]})) == [3, 5]
    assert fa.get("/ats/rejection_reasons/5").json() == {
        "id": 5,
        "company_id": 1,
        "decision_maker": "candidate",
        "reason": "Accepted another offer",
        "created_at": "2023-03-14T09:00:00.000Z",
        "updated_at": "2023-03-14T09:00:00.000Z",
    }


# -- questions and answers ------------------------------------------------------------------------------
def test_questions_of_a_job_cover_every_type(fa: FA) -> None:
    questions = fa.get("/ats/questions", params={"ats_job_posting_ids[]": 1}).json()["data"]

    assert [(q["id"], q["question_type"], q["mandatory"], q["auto_disqualify"]) for q in questions] == [
        (1, "text", True, False),
        (2, "single_choice", True, True),
        (3, "multiple_choice", False, False),
        (4, "long_text", False, False),
        (5, "file", False, False),
    ]
    assert questions[1] == {
        "id": 2,
        "ats_job_posting_id": 1,
        "label": "Do you have a valid work permit for this country?",
        "position": 1,
        "mandatory": True,
        "auto_disqualify": True,
        "question_type": "single_choice",
        "created_at": "2024-01-08T09:00:00.000Z",
        "updated_at": "2024-01-08T09:00:00.000Z",
        "options": [{"text": "Yes", "disqualifies": False}, {"text": "No", "disqualifies": True}],
    }


def test_question_create_update_delete(fa: FA) -> None:
    created = fa.post(
        "/ats/questions",
        json={
            "ats_job_posting_id": 1,
            "company_id": 1,
            "label": "Notice period?",
            "position": 5,
            "question_type": "single_choice",
            "options": [{"text": "None"}, {"text": "1 month"}],
        },
    )
    no_options = fa.post(
        "/ats/questions",
        json={"ats_job_posting_id": 1, "company_id": 1, "label": "X", "position": 6, "question_type": "single_choice"},
    )
    updated = fa.put(f"/ats/questions/{created.json()['id']}", json={"mandatory": True, "label": "Notice period"})
    deleted = fa.delete("/ats/questions/1")
    orphan = fa.get("/ats/answers", params={"ats_application_ids[]": 7}).json()["data"][0]

    assert (created.status_code, created.json()["id"], created.json()["mandatory"]) == (201, 21, False)
    assert (no_options.status_code, no_options.json()["errors"]) == (
        422,
        {"options": ["a single_choice question needs options"]},
    )
    assert (updated.json()["label"], updated.json()["mandatory"]) == ("Notice period", True)
    assert updated.json()["updated_at"] == "2025-03-01T12:00:00.000Z"
    assert deleted.status_code == 200
    assert fa.get("/ats/questions/1").status_code == 404
    # Answers keep the question's label and type after the question is gone.
    assert (orphan["ats_question_id"], orphan["original_question_label"]) == (
        None,
        "How many years of professional experience do you have?",
    )


def test_answers_list_get_and_create(fa: FA) -> None:
    answers = fa.get("/ats/answers", params={"ats_application_ids[]": 2}).json()["data"]
    created = fa.post(
        "/ats/answers",
        json={
            "ats_question_id": "19",
            "ats_application_id": 2,
            "value": "Because of the product.",
            "original_question_label": "Why do you want to join us?",
            "original_question_type": "long_text",
        },
    )
    foreign = fa.post(
        "/ats/answers",
        json={
            "ats_question_id": 1,
            "ats_application_id": 2,
            "value": "3",
            "original_question_label": "x",
            "original_question_type": "text",
        },
    )
    file_type = fa.post(
        "/ats/answers",
        json={
            "ats_question_id": 20,
            "ats_application_id": 2,
            "value": "x",
            "original_question_label": "Portfolio",
            "original_question_type": "file",
        },
    )

    # Application 2 is on job 4 (questions 16–20).
    assert [(a["ats_question_id"], a["original_question_type"], a["value"]) for a in answers] == [
        (16, "text", answers[0]["value"]),
        (17, "single_choice", "Yes"),
        (18, "multiple_choice", '["English", "Spanish"]'),
    ]
    assert answers[0]["value"].isdigit()
    assert fa.get(f"/ats/answers/{answers[1]['id']}").json() == answers[1]
    assert (created.status_code, created.json()["ats_question_id"], created.json()["value"]) == (
        201,
        19,
        "Because of the product.",
    )
    assert (foreign.status_code, foreign.json()["errors"]) == (
        422,
        {"ats_question_id": ["question does not belong to the application's job posting"]},
    )
    assert (file_type.status_code, list(file_type.json()["errors"])) == (422, ["original_question_type"])


# -- candidates -----------------------------------------------------------------------------------------
def test_candidate_reads_as_the_sdk_model(fa: FA) -> None:
    assert fa.get("/ats/candidates/6").json() == {
        "id": 6,
        "company_id": 1,
        "first_name": "Elif",
        "last_name": "Brennan",
        "full_name": "Elif Brennan",
        "email": "elif.brennan.5@example.com",
        "talent_pool": False,
        "phone_number": "+34600000005",
        "created_at": "2024-02-17T09:03:05.000Z",
        "updated_at": "2024-02-24T01:44:05.000Z",
        "consent_given_at": None,
        "inactive_since": None,
        "ats_job_posting_ids": [2],
        "personal_url": "https://www.linkedin.com/in/elif-brennan-5",
        "consent_expiration_date": None,
        "consent_to_talent_pool": False,
        "medium": "paid campaign",
        "source_id": 3,
        "gender": "male",
        "score": 2.0,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"emails[]": "NORA.OKAFOR.2@example.com"}, [3]),
        ({"job_posting_ids[]": 1}, [2, 7]),
        ({"source[]": "linkedin"}, [6, 11, 12]),
        ({"source[]": "Indeed"}, [1, 4, 9, 10]),  # by label
        ({"source[]": "newsletter"}, [3]),  # a written string that matches no catalogue entry
        ({"active": "false"}, [10]),
        ({"archived": "true"}, [10]),
        ({"talent_pool": "true"}, [1, 5, 9]),
        ({"team_ids[]": 3}, [1, 3, 4, 9]),
        ({"remote": "true"}, [3, 6, 10, 11, 12]),
    ],
)
def test_candidate_filters(fa: FA, params: dict, expected: list[int]) -> None:
    assert _ids(fa.get("/ats/candidates", params=params)) == expected


def test_minimum_average_rating_uses_feedback_ratings(fa: FA) -> None:
    ratings: dict[int, list[int]] = {}
    for feedback in fa.state()["feedbacks"]:
        ratings.setdefault(feedback["candidateId"], []).append(feedback["rating"])
    expected = sorted(c for c, values in ratings.items() if sum(values) / len(values) >= 3)

    assert expected  # the seed has rated candidates
    assert _ids(fa.get("/ats/candidates", params={"minimum_average_rating": 3})) == expected


def test_candidate_create_update_delete(fa: FA, fa_clock: ManualClock) -> None:
    created = fa.post(
        "/ats/candidates",
        json={
            "first_name": "Ana",
            "last_name": "Fernandez Perez",
            "email": "ana@factorial.example",
            "company_id": "1",
            "talent_pool": True,
            "consent_given_at": "2021-01-01T00:00:00Z",
            "source": "referred",
            "medium": "email",
            "phone_number": 645786980,
            "gender": "female",
        },
    )
    candidate_id = created.json()["id"]
    fa_clock.advance(60)
    updated = fa.put(f"/ats/candidates/{candidate_id}", json={"id": candidate_id, "phone_number": "600"})
    duplicate = fa.post(
        "/ats/candidates",
        json={"first_name": "A", "last_name": "B", "email": "ANA@factorial.example", "company_id": 1},
    )
    other_company = fa.post("/ats/candidates", json={"first_name": "A", "last_name": "B", "company_id": 2})
    no_company = fa.post("/ats/candidates", json={"first_name": "A", "last_name": "B"})
    deleted = fa.delete("/ats/candidates/3")

    assert created.status_code == 201
    assert {key: created.json()[key] for key in ("id", "source_id", "medium", "phone_number", "created_at")} == {
        "id": 13,
        "source_id": 2,
        "medium": "email",
        "phone_number": "645786980",
        "created_at": "2025-03-01T12:00:00.000Z",
    }
    assert (created.json()["consent_given_at"], created.json()["ats_job_posting_ids"]) == (
        "2021-01-01T00:00:00.000Z",
        [],
    )
    assert (updated.json()["phone_number"], updated.json()["updated_at"]) == ("600", "2025-03-01T12:01:00.000Z")
    assert (duplicate.status_code, duplicate.json()["errors"]) == (422, {"email": ["has already been taken"]})
    assert other_company.json()["errors"] == {"company_id": ["does not match the company of the credentials"]}
    assert no_company.json()["errors"] == {"company_id": ["can't be blank"]}
    assert (deleted.status_code, deleted.json()["id"]) == (200, 3)
    assert fa.get("/ats/candidates/3").status_code == 404
    assert _ids(fa.get("/ats/applications", params={"ats_candidate_ids[]": 3})) == []


def test_candidate_updated_at_moves_when_an_application_changes(fa: FA, fa_clock: ManualClock) -> None:
    seeded = fa.get("/ats/candidates/8").json()["updated_at"]
    fa_clock.advance(3600)

    fa.post("/ats/applications/move_to_phase", json={"id": 7, "ats_application_phase_id": 6})
    fa.put("/ats/applications/8", json={"qualified": True, "source_id": 6})  # the values it already has

    assert fa.get("/ats/candidates/7").json()["updated_at"] == "2025-03-01T13:00:00.000Z"
    assert fa.get("/ats/candidates/8").json()["updated_at"] == seeded


# -- feedbacks ------------------------------------------------------------------------------------------
def test_feedbacks_create_update_delete_and_rating_average(fa: FA) -> None:
    created = fa.post(
        "/ats/feedbacks",
        json={"ats_candidate_id": 11, "ats_application_id": 11, "rating": 4, "description": "Strong Python skills"},
    )
    feedback_id = created.json()["id"]
    second = fa.post("/ats/feedbacks", json={"ats_candidate_id": "11", "ats_application_id": "11", "rating": 1})
    average = fa.get("/ats/applications/11").json()["rating_average"]
    updated = fa.put(f"/ats/feedbacks/{feedback_id}", json={"rating": 5})
    listed = _ids(fa.get("/ats/feedbacks", params={"ats_candidate_id": 11}))
    bad_rating = fa.post("/ats/feedbacks", json={"ats_candidate_id": 11, "rating": 6})
    wrong_application = fa.post("/ats/feedbacks", json={"ats_candidate_id": 11, "ats_application_id": 1})
    deleted = fa.delete(f"/ats/feedbacks/{feedback_id}")

    assert created.status_code == 201
    assert created.json() == {
        "id": feedback_id,
        "rating": 4,
        "description": "Strong Python skills",
        "ats_application_id": 11,
        "ats_application_phase_id": None,
        "created_at": "2025-03-01T12:00:00.000Z",
        "ats_candidate_id": 11,
        "ats_evaluation_forms_id": None,
        "evaluation_form_answers": [],
    }
    assert (fa.get("/ats/applications/12").json()["rating_average"], average) == (4, 3)  # (4 + 1) / 2, half up
    assert updated.json()["rating"] == 5
    assert listed == [feedback_id, second.json()["id"]]
    assert bad_rating.json()["errors"] == {"rating": ["must be an integer from 1 to 5"]}
    assert wrong_application.json()["errors"] == {
        "ats_application_id": ["application does not belong to the candidate"]
    }
    assert deleted.status_code == 200
    assert fa.get(f"/ats/feedbacks/{feedback_id}").status_code == 404


# -- employees ------------------------------------------------------------------------------------------
def test_employees_list_filters_and_get(fa: FA) -> None:
    fa.control("POST", "/seed", json={"employees": 10})

    everyone = _ids(fa.get("/employees/employees"))
    active = _ids(fa.get("/employees/employees", params={"only_active": "true"}))
    managers = _ids(fa.get("/employees/employees", params={"only_managers": "true"}))
    by_email = _ids(fa.get("/employees/employees", params={"emails[]": "BEN.LARSEN1@acmecorp.example"}))
    recent = _ids(fa.get("/employees/employees", params={"updated_at_gteq": "2023-01-08"}))

    assert everyone == list(range(1, 11))
    assert active == [1, 2, 3, 4, 5, 6, 7, 8, 10]  # the ninth has left
    assert managers == [1]
    assert by_email == [2]
    assert recent == [3, 4, 6, 7]
    assert fa.get("/employees/employees/2").json() == {
        "id": 2,
        "access_id": 1002,
        "first_name": "Ben",
        "last_name": "Larsen",
        "full_name": "Ben Larsen",
        "company_id": 1,
        "location_id": 2,
        "email": "ben.larsen1@acmecorp.example",
        "manager_id": 1,
        "terminated_on": None,
        "created_at": "2022-12-05T09:00:00.000Z",
        "updated_at": "2022-12-17T09:00:00.000Z",
        "is_terminating": False,
        "attendable": True,
    }
