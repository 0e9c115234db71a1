"""GET /v1/ats/applications through the official SDK against a live server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from kombo import Kombo

from apps.applications.enums import Outcome
from apps.integrations.models import Integration
from tests.applications.support import collect, ids
from tests.factories import applications as f

LATER = datetime(2024, 6, 1, tzinfo=UTC)
AFTER = datetime(2024, 5, 15, tzinfo=UTC)


def test_pages_follow_next_and_records_created_meanwhile_come_last(kombo: Kombo, integration: Integration) -> None:
    # given
    existing = f.ApplicationFactory.create_batch(5, integration=integration)

    # when
    response = kombo.ats.get_applications(page_size=2)
    seen = [application.id for application in response.result.data.results]
    created_while_paging = f.ApplicationFactory(integration=integration)
    pages = 1
    while (response := response.next()) is not None:
        seen.extend(application.id for application in response.result.data.results)
        pages += 1

    # then
    assert seen == ids(*existing, created_while_paging)
    assert pages == 3


def test_outcome_job_stage_and_remote_filters(kombo: Kombo, integration: Integration) -> None:
    first_job, second_job = f.JobFactory.create_batch(2, integration=integration)
    stage = f.ApplicationStageFactory(integration=integration)
    pending = f.ApplicationFactory(integration=integration, job=first_job, outcome=Outcome.PENDING)
    hired = f.ApplicationFactory(integration=integration, job=first_job, outcome=Outcome.HIRED, current_stage=stage)
    declined = f.ApplicationFactory(integration=integration, job=second_job, outcome=Outcome.DECLINED)
    unknown = f.ApplicationFactory(integration=integration, job=None, outcome=None, remote_id="odd-one")
    get = kombo.ats.get_applications

    assert collect(get, outcomes=["HIRED", "DECLINED"]) == ids(hired, declined)
    assert collect(get, job_ids=[first_job.id]) == ids(pending, hired)
    assert collect(get, job_ids=[first_job.id, second_job.id]) == ids(pending, hired, declined)
    assert collect(get, job_remote_ids=[second_job.remote_id]) == ids(declined)
    assert collect(get, current_stage_ids=[stage.id]) == ids(hired)
    assert collect(get, ids=[pending.id, unknown.id]) == ids(pending, unknown)
    assert collect(get, remote_ids=["odd-one", declined.remote_id]) == ids(declined, unknown)
    # AND across parameters, OR within one
    assert collect(get, outcomes=["PENDING", "DECLINED"], job_ids=[first_job.id]) == ids(pending)
    assert collect(get, outcomes=["HIRED"], remote_ids=[pending.remote_id]) == []


def test_remote_created_after_counts_the_whole_day(kombo: Kombo, integration: Integration) -> None:
    same_day = f.ApplicationFactory(integration=integration, remote_created_at=datetime(2024, 5, 1, 0, 30, tzinfo=UTC))
    f.ApplicationFactory(integration=integration, remote_created_at=datetime(2024, 4, 30, 23, 59, tzinfo=UTC))
    f.ApplicationFactory(integration=integration, remote_created_at=None)
    later = f.ApplicationFactory(integration=integration, remote_created_at=datetime(2024, 7, 1, tzinfo=UTC))

    found = collect(kombo.ats.get_applications, remote_created_after=datetime(2024, 5, 1, 18, 0, tzinfo=UTC))

    assert found == ids(same_day, later)


def test_deleted_applications_only_with_include_deleted(kombo: Kombo, integration: Integration) -> None:
    live = f.ApplicationFactory(integration=integration)
    deleted = f.ApplicationFactory(integration=integration, remote_deleted_at=LATER, changed_at=LATER)

    assert collect(kombo.ats.get_applications) == ids(live)
    response = kombo.ats.get_applications(include_deleted=True)
    results = {application.id: application for application in response.result.data.results}
    assert sorted(results) == ids(live, deleted)
    assert results[deleted.id].remote_deleted_at == LATER
    assert results[live.id].remote_deleted_at is None


def test_updated_after_follows_candidate_interviews_and_offers(kombo: Kombo, integration: Integration) -> None:
    # given: everything last changed on 2024-05-01, then these changes on 2024-06-01
    changed_itself = f.ApplicationFactory(integration=integration, changed_at=LATER)
    candidate_changed = f.ApplicationFactory(
        integration=integration, candidate=f.CandidateFactory(integration=integration, changed_at=LATER)
    )
    interview_added = f.ApplicationFactory(integration=integration)
    f.InterviewFactory(integration=integration, application=interview_added, changed_at=LATER)
    interview_removed = f.ApplicationFactory(integration=integration)
    f.InterviewFactory(
        integration=integration, application=interview_removed, remote_deleted_at=LATER, changed_at=LATER
    )
    offer_changed = f.ApplicationFactory(integration=integration)
    f.OfferFactory(integration=integration, application=offer_changed, changed_at=LATER)
    # not counted by the contract: candidate tags, the job, the current stage
    tag_added = f.ApplicationFactory(integration=integration)
    f.CandidateTagFactory(integration=integration, candidate=tag_added.candidate, changed_at=LATER)
    job_changed = f.ApplicationFactory(
        integration=integration, job=f.JobFactory(integration=integration, changed_at=LATER)
    )
    stage_changed = f.ApplicationFactory(
        integration=integration, current_stage=f.ApplicationStageFactory(integration=integration, changed_at=LATER)
    )
    untouched = f.ApplicationFactory(integration=integration)
    f.InterviewFactory(integration=integration, application=untouched)

    # when
    found = collect(kombo.ats.get_applications, updated_after=AFTER, page_size=2)

    # then
    assert found == ids(changed_itself, candidate_changed, interview_added, interview_removed, offer_changed)
    assert {job_changed.id, stage_changed.id, untouched.id, tag_added.id}.isdisjoint(found)


def test_unsupported_filter_yields_nothing_unless_ignored(
    kombo_client: Callable[..., Kombo], limited_integration: Integration
) -> None:
    application = f.ApplicationFactory(integration=limited_integration, outcome=None)
    other = f.ApplicationFactory(integration=limited_integration, outcome=None)
    kombo = kombo_client(integration_id=limited_integration.id)

    assert collect(kombo.ats.get_applications, outcomes=["PENDING"]) == []
    assert collect(kombo.ats.get_applications, outcomes=["PENDING"], ignore_unsupported_filters=True) == ids(
        application, other
    )
    # supported filters still apply next to an ignored one
    assert collect(
        kombo.ats.get_applications, outcomes=["PENDING"], ids=[other.id], ignore_unsupported_filters=True
    ) == ids(other)


def test_only_the_callers_integration_is_listed(
    kombo: Kombo, integration: Integration, foreign_integration: Integration
) -> None:
    mine = f.ApplicationFactory(integration=integration)
    f.ApplicationFactory(integration=foreign_integration)

    assert collect(kombo.ats.get_applications) == ids(mine)
