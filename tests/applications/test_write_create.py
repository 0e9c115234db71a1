"""Create application and create candidate through the official SDK, checked in the sandbox ATS's own state."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import requests
from kombo import Kombo, errors

from apps.applications.enums import TrackedVia
from apps.applications.models import Application, Candidate, Job
from apps.attribution.models import ApplicationAttribution
from apps.attribution.services import source_mapping_create_remote
from apps.integrations.models import ApiKey, Integration
from tests.applications.writing import JOB, b64, candidate, option, question, required_answers, sandbox, stored_job


@pytest.fixture
def source_configured(integration: Integration) -> None:
    """The integration's source mapping set up (the sandbox creates the source "Acme Jobs" through its API)."""
    source_mapping_create_remote(integration=integration)


def test_create_application_writes_everything_to_the_ats_and_tracks_it(
    kombo: Kombo, integration: Integration, source_configured: None
) -> None:
    # given
    job = stored_job(integration)
    languages, start, cv = question(job, 6), question(job, 7), question(job, 8)

    # when
    response = kombo.ats.create_application(
        job_id=job.id,
        candidate={
            **candidate(),
            "company": "Analytical Engines Ltd",
            "title": "Programmer",
            "phone_number": "+44 20 7946 0000",
            "additional_email_addresses": [{"type": "WORK", "email_address": "ada@engines.example.com"}],
            "additional_phone_numbers": [{"type": "WORK", "phone_number": "+44 20 7946 0001"}],
            "location": {"country": "GB", "city": "London", "zip_code": "W1"},
            "gender": "FEMALE",
            "availability_date": datetime(2025, 3, 1, tzinfo=UTC),
            "salary_expectations": {"period": "MONTH", "amount": 5000},
            "social_links": [{"url": "https://example.com/ada"}],
        },
        stage_id=job.job_stages.get(index=1).stage_id,
        attachments=[
            {"name": "letter.txt", "type": "COVER_LETTER", "data": b64(b"Dear team"), "content_type": "text/plain"},
            {"name": "cv.pdf", "type": "CV", "data": b64(b"%PDF ada"), "content_type": "application/pdf"},
        ],
        screening_question_answers=[
            *required_answers(job),
            {"question_id": languages.id, "answer": [option(languages, "q-000001-opt-2")]},
            {"question_id": start.id, "answer": "2025-03-01"},
            {
                "question_id": cv.id,
                "answer": {"name": "cv2.pdf", "content_type": "application/pdf", "data": b64(b"%PDF")},
            },
        ],
        sourced_by={"user_id": "remote:usr-000001"},
        gdpr_consent={"given": True, "expires_at": datetime(2027, 1, 1, tzinfo=UTC)},
    )

    # then: the answer is the created application, tracked, in the contract's shape
    data = response.data
    assert response.warnings == []
    application = Application.objects.get(id=data.id)
    assert (application.tracked_via, application.outcome) == (TrackedVia.CREATED, "PENDING")
    assert data.candidate.id == application.candidate_id
    assert (data.job.id, data.current_stage.name, data.outcome) == (job.id, "Screening", "PENDING")
    assert (data.candidate.first_name, data.candidate.source, data.candidate.location.country) == (
        "Ada",
        "Acme Jobs",
        "GB",
    )
    assert Candidate.objects.get(id=data.candidate.id).tracked_via == TrackedVia.CREATED

    # and the sandbox ATS holds everything that was sent
    store = sandbox(integration)
    written = store.get("applications", data.remote_id)
    person = store.get("candidates", data.candidate.remote_id)
    assert written is not None
    assert person is not None
    assert (written["job_id"], written["stage_id"], written["source"], written["sourced_by"]) == (
        JOB, "stage-000001-1", "Acme Jobs", "usr-000001",
    )  # fmt: skip
    assert written["gdpr_consent"] == {"given": True, "expires_at": "2027-01-01T00:00:00+00:00"}
    assert [(answer["question_id"], answer["value"]) for answer in written["answers"]] == [
        ("q-000001-1", "I like the mission."),
        ("q-000001-2", 4.0),
        ("q-000001-3", False),
        ("q-000001-5", "Mid"),
        ("q-000001-6", ["German"]),
        ("q-000001-7", "2025-03-01"),
        ("q-000001-8", {"name": "cv2.pdf", "content_type": "application/pdf", "size": 4}),
    ]
    assert (person["company"], person["title"], person["gender"], person["availability_date"]) == (
        "Analytical Engines Ltd", "Programmer", "FEMALE", "2025-03-01",
    )  # fmt: skip
    assert person["location"] == {
        "city": "London", "country": "GB", "state": None, "street_1": None, "zip_code": "W1", "street_2": None,
        "raw": None,
    }  # fmt: skip
    assert person["salary_expectation"] == {
        "period": "YEAR",
        "amount": 60000.0,
    }  # MONTH converted to the sandbox's YEAR
    assert person["emails"] == [
        {"address": "ada@example.com", "type": "PERSONAL"},
        {"address": "ada@engines.example.com", "type": "WORK"},
    ]
    assert person["phones"] == [
        {"number": "+44 20 7946 0000", "type": "MOBILE"},
        {"number": "+44 20 7946 0001", "type": "WORK"},
    ]
    assert [link["link"] for link in person["social"]] == ["https://example.com/ada"]
    files = store.attachments(application_id=data.remote_id)
    assert [(doc["file_name"], doc["type"]) for doc in files] == [("letter.txt", "COVER_LETTER"), ("cv.pdf", "CV")]
    assert store.blob(files[1]["id"]) == b"%PDF ada"

    # and attribution confirmed the source by reading it back
    attribution = ApplicationAttribution.objects.get(application=application)
    assert (attribution.status, attribution.observed_source, attribution.candidate_existed) == (
        "CONFIRMED", "Acme Jobs", False,
    )  # fmt: skip


def test_next_application_list_shows_the_created_application_pending(kombo: Kombo, integration: Integration) -> None:
    job = stored_job(integration)
    created = kombo.ats.create_application(
        job_id=job.id, candidate=candidate(), screening_question_answers=required_answers(job)
    ).data

    listed = kombo.ats.get_applications(ids=[created.id]).result.data.results

    assert [(a.id, a.outcome, a.candidate.id, a.job.id) for a in listed] == [
        (created.id, "PENDING", created.candidate.id, job.id)
    ]
    assert listed[0].current_stage.name == "Applied"  # no stage_id: the job's default (first) stage


def test_a_job_given_by_remote_id_is_read_live_when_it_is_not_synced(kombo: Kombo, integration: Integration) -> None:
    assert not Job.objects.filter(integration=integration).exists()

    # the job is not synced: it is read from the ATS, so its required questions are still enforced
    with pytest.raises(errors.KomboAtsError) as missing:
        kombo.ats.create_application(job_id=f"remote:{JOB}", candidate=candidate("nobody@example.com"))
    job = Job.objects.get(integration=integration, remote_id=JOB)
    created = kombo.ats.create_application(
        job_id=f"remote:{JOB}", candidate=candidate(), screening_question_answers=required_answers(job)
    )

    assert (missing.value.data.error.code, missing.value.status_code) == ("PLATFORM.INPUT_INVALID", 400)
    assert str(missing.value) == (
        f"screening_question_answers: question '{question(job, 1).id}' (Why do you want to join us?) is required."
    )
    assert (created.data.job.id, created.data.job.remote_id, created.data.job.name) == (job.id, JOB, job.name)
    assert sandbox(integration).get("applications", created.data.remote_id)["job_id"] == JOB  # type: ignore[index]


def test_remote_fields_for_the_own_tool_reach_the_ats_and_timing_is_reported(
    integration: Integration, api_base_url: str, api_key: ApiKey
) -> None:
    # the SDK's request model only knows other tools' keys, so a plain client sends the sandbox's own
    job = stored_job(integration)
    response = requests.post(
        f"{api_base_url}/ats/jobs/{job.id}/applications",
        json={
            "candidate": candidate(),
            "screening_question_answers": required_answers(job),
            "remote_fields": {"sandbox": {"priority": "high"}, "lever": {"candidate": {}}},
        },
        headers={"Authorization": f"Bearer {api_key.raw_key}", "X-Integration-Id": integration.id},
        timeout=10,
    )

    body = response.json()
    assert body["warnings"] == [{"message": "remote_fields.lever: these fields are for lever, not sandbox; ignored."}]
    written = sandbox(integration).get("applications", body["data"]["remote_id"])
    assert written["remote_fields"] == {"priority": "high"}  # type: ignore[index]
    assert re.fullmatch(r"upstream;dur=\d+\.\d\d, app;dur=\d+\.\d\d", response.headers["Server-Timing"])
