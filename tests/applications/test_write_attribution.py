"""Automatic attribution on both create paths: the source lands in the sandbox ATS, an existing candidate's own
source is never overwritten, the outcome is recorded; the deprecated request `source` only where nothing else is."""

from __future__ import annotations

from typing import Any

import pytest
from kombo import Kombo

from apps.applications.models import Candidate, Job
from apps.attribution.models import ApplicationAttribution
from apps.attribution.services import source_mapping_create_remote
from apps.integrations.models import Integration
from tests.applications.writing import JOB, candidate, required_answers, sandbox, stored_job


@pytest.fixture
def job(integration: Integration) -> Job:
    return stored_job(integration)


@pytest.fixture
def existing(integration: Integration) -> dict[str, Any]:
    """A candidate the ATS already has (from the sandbox's seed), with a source of its own, not applied to JOB."""
    store = sandbox(integration)
    return next(
        doc
        for doc in store.list("candidates", limit=50).docs
        if doc.get("source") and store.find_application(job_id=JOB, candidate_id=doc["id"]) is None
    )


def _attribution(remote_id: str) -> tuple[str, str, bool]:
    row = ApplicationAttribution.objects.get(application_remote_id=remote_id)
    return row.status, row.observed_source, row.candidate_existed


def test_create_application_for_an_existing_candidate_keeps_its_source(
    kombo: Kombo, integration: Integration, job: Job, existing: dict[str, Any]
) -> None:
    source_mapping_create_remote(integration=integration)
    email = existing["emails"][0]["address"]

    created = kombo.ats.create_application(
        job_id=job.id, candidate=candidate(email.upper()), screening_question_answers=required_answers(job)
    ).data

    store = sandbox(integration)
    assert created.candidate.remote_id == existing["id"]
    assert store.get("candidates", existing["id"])["source"] == existing["source"]  # type: ignore[index]
    assert store.get("applications", created.remote_id)["source"] == "Acme Jobs"  # type: ignore[index]
    assert created.candidate.source == existing["source"]
    assert _attribution(created.remote_id) == ("CONFIRMED", "Acme Jobs", True)


def test_create_candidate_writes_the_source_and_never_overwrites_an_existing_one(
    kombo: Kombo, integration: Integration, job: Job, existing: dict[str, Any]
) -> None:
    source_mapping_create_remote(integration=integration)
    answers = required_answers(job)

    new = kombo.ats.create_candidate(
        candidate=candidate("grace@example.com"), application={"job_id": job.id}, screening_question_answers=answers
    ).data
    again = kombo.ats.create_candidate(
        candidate=candidate(existing["emails"][0]["address"]),
        application={
            "job_id": f"remote:{job.remote_id}",
            "stage_id": f"remote:{job.remote_id.replace('job', 'stage')}-3",
        },
        screening_question_answers=answers,
    ).data

    # the legacy answer is the candidate with its applications
    store = sandbox(integration)
    assert (new.first_name, new.source, [app.job.id for app in new.applications]) == ("Ada", "Acme Jobs", [job.id])
    assert store.get("candidates", new.remote_id)["source"] == "Acme Jobs"  # type: ignore[index]
    assert Candidate.objects.get(id=new.id).tracked_via == "CREATED"
    [application] = new.applications
    assert _attribution(application.remote_id) == ("CONFIRMED", "Acme Jobs", False)
    # an existing candidate: its own source stays, the new application carries ours
    assert again.id == Candidate.objects.get(integration=integration, remote_id=existing["id"]).id
    assert store.get("candidates", existing["id"])["source"] == existing["source"]  # type: ignore[index]
    ours = next(app for app in again.applications if app.job.id == job.id)
    assert (ours.current_stage.name, ours.outcome) == ("Offer", "PENDING")
    assert store.get("applications", ours.remote_id)["source"] == "Acme Jobs"  # type: ignore[index]
    assert _attribution(ours.remote_id) == ("CONFIRMED", "Acme Jobs", True)


@pytest.mark.filterwarnings("ignore:.*DEPRECATED:DeprecationWarning")  # the SDK flags the deprecated `source`
def test_the_deprecated_source_is_written_only_when_attribution_writes_nothing(
    kombo: Kombo, integration: Integration, job: Job
) -> None:
    answers = required_answers(job)

    # not set up yet: nothing automatic to write, so the request's source is written (the sandbox takes one)
    unconfigured = kombo.ats.create_application(
        job_id=job.id, candidate=candidate(), screening_question_answers=answers, source={"name": "Job board X"}
    )
    source_mapping_create_remote(integration=integration)
    configured = kombo.ats.create_application(
        job_id=job.id, candidate=candidate("grace@example.com"), screening_question_answers=answers,
        source={"name": "Job board X"},
    )  # fmt: skip

    store = sandbox(integration)
    assert unconfigured.warnings == []
    assert store.get("applications", unconfigured.data.remote_id)["source"] == "Job board X"  # type: ignore[index]
    row = ApplicationAttribution.objects.get(application_remote_id=unconfigured.data.remote_id)
    assert (row.status, row.reason) == (
        "NOT_CONFIGURED",
        "The source 'Acme Jobs' is not set up in Sandbox yet (source mapping PENDING_SETUP).",
    )
    assert [warning.message for warning in configured.warnings] == [
        "source: the deprecated `source` was not written because automatic source writing sets 'Acme Jobs'."
    ]
    assert store.get("applications", configured.data.remote_id)["source"] == "Acme Jobs"  # type: ignore[index]
    assert _attribution(configured.data.remote_id) == ("CONFIRMED", "Acme Jobs", False)
