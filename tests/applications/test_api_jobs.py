"""GET /v1/ats/jobs through the official SDK against a live server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from kombo import Kombo

from apps.core.derived_ids import screening_option_id
from apps.integrations.models import Integration
from tests.applications.support import collect, ids
from tests.factories import applications as f

LATER = datetime(2024, 6, 1, tzinfo=UTC)
AFTER = datetime(2024, 5, 15, tzinfo=UTC)


def test_job_filters(kombo: Kombo, integration: Integration) -> None:
    backend = f.JobFactory(
        integration=integration,
        name="Senior Backend Engineer",
        job_code="BE-1",
        status="OPEN",
        employment_type="FULL_TIME",
        visibility="PUBLIC",
        post_url="https://jobs.example.com/backend",
        remote_created_at=datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
    )
    intern = f.JobFactory(
        integration=integration,
        name="Design Intern",
        job_code="DI-7",
        status="CLOSED",
        employment_type="INTERNSHIP",
        visibility="INTERNAL",
        remote_created_at=datetime(2024, 3, 2, 23, 0, tzinfo=UTC),
    )
    paused = f.JobFactory(
        integration=integration,
        name="Backend Lead",
        job_code=None,
        status="PAUSED",  # open enum: kept as the ATS said it
        employment_type=None,
        visibility="CONFIDENTIAL",
        remote_created_at=None,
    )
    get = kombo.ats.get_jobs

    assert collect(get, page_size=2) == ids(backend, intern, paused)
    assert collect(get, job_codes=["BE-1", "DI-7"]) == ids(backend, intern)
    assert collect(get, post_url="https://jobs.example.com/backend") == ids(backend)
    assert collect(get, statuses=["CLOSED", "ARCHIVED"]) == ids(intern)
    assert collect(get, employment_types=["INTERNSHIP", "FULL_TIME"]) == ids(backend, intern)
    assert collect(get, visibilities=["CONFIDENTIAL"]) == ids(paused)
    assert collect(get, remote_created_after=datetime(2024, 3, 2, 12, 0, tzinfo=UTC)) == ids(intern)
    assert collect(get, name_contains="backend") == ids(backend, paused)
    assert collect(get, name_contains="backend", statuses=["OPEN"]) == ids(backend)
    assert collect(get, remote_ids=[intern.remote_id], ids=[intern.id, backend.id]) == ids(intern)
    assert [job.status for job in get(ids=[paused.id]).result.data.results] == ["PAUSED"]


@pytest.mark.filterwarnings("ignore:.*DEPRECATED.*:DeprecationWarning")  # reading `hiring_team_roles` on purpose
def test_job_nested_lists(kombo: Kombo, integration: Integration) -> None:
    job = f.JobFactory(integration=integration, location={"city": "Berlin", "country": "DE"})
    second = f.ApplicationStageFactory(integration=integration, name="Interview", custom_fields={"color": "blue"})
    first = f.ApplicationStageFactory(integration=integration, name="Applied")
    f.JobStageFactory(integration=integration, job=job, stage=second, index=1)
    f.JobStageFactory(integration=integration, job=job, stage=first, index=0)
    f.JobStageFactory(integration=integration, job=job, remote_deleted_at=LATER)  # removed from the job
    permit = f.ScreeningQuestionFactory(
        integration=integration, job=job, remote_id="permit", format_type="BOOLEAN", index=0
    )
    city = f.ScreeningQuestionFactory(
        integration=integration,
        job=job,
        remote_id="city",
        title="Which office?",
        format_type="SINGLE_SELECT",
        format_details={"display_type": "RADIO"},
        options=[{"remote_id": "ber", "name": "Berlin"}, {"remote_id": "muc", "name": "Munich"}],
        index=1,
    )
    f.ScreeningQuestionFactory(
        integration=integration,
        job=job,
        remote_id="relocate",
        title="Will you relocate?",
        format_type="TEXT",
        format_details={"display_type": "MULTI_LINE", "max_length": 500},
        precondition_question_remote_id="city",
        precondition_options=["muc"],
        index=2,
    )
    posting = f.JobPostingFactory(integration=integration, job=job, status="ACTIVE", visibility="PUBLIC")
    member = f.HiringTeamMemberFactory(
        integration=integration,
        job=job,
        job_roles=[
            {"remote_id": "hm", "remote_label": "Hiring manager", "unified_type": "HIRING_MANAGER"},
            {"remote_id": "x", "remote_label": "Budget owner", "unified_type": None},
        ],
    )

    (result,) = kombo.ats.get_jobs().result.data.results

    assert [(stage.id, stage.name, stage.index) for stage in result.stages] == [
        (first.id, "Applied", 0),
        (second.id, "Interview", 1),
    ]
    assert result.stages[1].custom_fields == {"color": "blue"}
    assert [question.id for question in result.screening_questions[:2]] == [permit.id, city.id]
    assert result.screening_questions[0].format_.TYPE == "BOOLEAN"
    city_format = result.screening_questions[1].format_
    assert city_format.TYPE == "SINGLE_SELECT"
    assert city_format.display_type == "RADIO"
    assert [(option.id, option.name, option.remote_id) for option in city_format.options] == [
        (screening_option_id(city.id, "ber"), "Berlin", "ber"),
        (screening_option_id(city.id, "muc"), "Munich", "muc"),
    ]
    relocate = result.screening_questions[2]
    assert relocate.format_.max_length == 500
    assert relocate.precondition_question_id == city.id
    assert relocate.precondition_options == [screening_option_id(city.id, "muc")]
    assert [(p.id, p.status, p.visibility) for p in result.job_postings] == [(posting.id, "ACTIVE", "PUBLIC")]
    (team_member,) = result.hiring_team
    assert team_member.id == member.user.id
    assert team_member.hiring_team_roles == ["HIRING_MANAGER"]
    assert [(role.remote_label, role.unified_type, role.scope) for role in team_member.job_roles] == [
        ("Hiring manager", "HIRING_MANAGER", "JOB"),
        ("Budget owner", None, "JOB"),
    ]
    assert result.location.city == "Berlin"


def test_updated_after_follows_stages_questions_postings_and_hiring_team(
    kombo: Kombo, integration: Integration
) -> None:
    changed_itself = f.JobFactory(integration=integration, changed_at=LATER)
    stage_added = f.JobFactory(integration=integration)
    f.JobStageFactory(integration=integration, job=stage_added, changed_at=LATER)
    question_changed = f.JobFactory(integration=integration)
    f.ScreeningQuestionFactory(integration=integration, job=question_changed, changed_at=LATER)
    posting_removed = f.JobFactory(integration=integration)
    f.JobPostingFactory(integration=integration, job=posting_removed, changed_at=LATER, remote_deleted_at=LATER)
    member_added = f.JobFactory(integration=integration)
    f.HiringTeamMemberFactory(integration=integration, job=member_added, changed_at=LATER)
    # a stage record renamed is not a change of the job (only adding/removing it is)
    stage_renamed = f.JobFactory(integration=integration)
    f.JobStageFactory(
        integration=integration,
        job=stage_renamed,
        stage=f.ApplicationStageFactory(integration=integration, changed_at=LATER),
    )
    untouched = f.JobFactory(integration=integration)
    f.JobPostingFactory(integration=integration, job=untouched)

    found = collect(kombo.ats.get_jobs, updated_after=AFTER, page_size=2)

    assert found == ids(changed_itself, stage_added, question_changed, posting_removed, member_added)


def test_jobs_unsupported_by_the_connector_ignore_or_empty(
    kombo_client: Callable[..., Kombo], limited_integration: Integration
) -> None:
    job = f.JobFactory(integration=limited_integration)
    kombo = kombo_client(integration_id=limited_integration.id)

    assert collect(kombo.ats.get_jobs) == ids(job)
    assert collect(kombo.ats.get_jobs, statuses=["OPEN"]) == []
    assert collect(kombo.ats.get_jobs, statuses=["OPEN"], ignore_unsupported_filters=True) == ids(job)
