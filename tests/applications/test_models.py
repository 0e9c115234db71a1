from __future__ import annotations

import time

import pytest
from django.db import IntegrityError, transaction

from apps.applications import models
from apps.core.derived_ids import integration_field_id, screening_option_id
from apps.core.ids import is_valid_id
from apps.integrations.models import Integration
from tests.factories import applications as f


def test_factories_keep_every_related_record_in_one_integration(integration: Integration) -> None:
    scorecard = f.ScorecardFactory(integration=integration)
    note = f.NoteFactory(integration=integration)
    attachment = f.AttachmentFactory(integration=integration)
    offer = f.OfferFactory(integration=integration)
    interview_user = f.InterviewUserFactory(integration=integration)
    candidate_tag = f.CandidateTagFactory(integration=integration)
    assignment = f.UserRoleAssignmentFactory(integration=integration)
    member = f.HiringTeamMemberFactory(integration=integration)
    question = f.ScreeningQuestionFactory(integration=integration)
    posting = f.JobPostingFactory(integration=integration)

    related = [
        scorecard.interview,
        scorecard.application,
        scorecard.candidate,
        scorecard.author,
        scorecard.application.job,
        scorecard.application.current_stage,
        note.candidate,
        note.application,
        note.author,
        attachment.candidate,
        offer.application,
        interview_user.interview,
        interview_user.user,
        candidate_tag.candidate,
        candidate_tag.tag,
        assignment.user,
        assignment.role,
        member.job,
        member.user,
        question.job,
        posting.job,
    ]
    assert {record.integration_id for record in related} == {integration.id}
    assert scorecard.candidate == scorecard.application.candidate
    assert note.candidate == note.application.candidate
    assert Integration.objects.count() == 1


def test_application_factory_puts_the_current_stage_on_the_job(integration: Integration) -> None:
    application = f.ApplicationFactory(integration=integration)

    link = models.JobStage.objects.get(job=application.job)
    assert link.stage == application.current_stage
    assert link.integration == integration


def test_records_get_time_ordered_base58_ids(integration: Integration) -> None:
    first = f.TagFactory(integration=integration)
    time.sleep(0.002)  # ids order by millisecond; within one they differ only by their random part
    second = f.TagFactory(integration=integration)

    assert is_valid_id(first.id)
    assert first.id < second.id


@pytest.mark.parametrize(
    ("_case", "factory_class"),
    [("job", f.JobFactory), ("candidate", f.CandidateFactory), ("tag", f.TagFactory), ("user", f.AtsUserFactory)],
)
def test_remote_id_is_unique_per_integration(
    integration: Integration, foreign_integration: Integration, _case: str, factory_class: type
) -> None:
    factory_class(integration=integration, remote_id="same")
    factory_class(integration=foreign_integration, remote_id="same")

    with pytest.raises(IntegrityError), transaction.atomic():
        factory_class(integration=integration, remote_id="same")


def test_screening_question_remote_id_is_unique_per_job(integration: Integration) -> None:
    first_job, second_job = f.JobFactory.create_batch(2, integration=integration)
    f.ScreeningQuestionFactory(integration=integration, job=first_job, remote_id="q")
    f.ScreeningQuestionFactory(integration=integration, job=second_job, remote_id="q")

    with pytest.raises(IntegrityError), transaction.atomic():
        f.ScreeningQuestionFactory(integration=integration, job=first_job, remote_id="q")


def test_derived_ids_are_stable_base58_and_distinct() -> None:
    option = screening_option_id("3PJ8PZhZZa1eEdd2DtPNtVup", "opt-1")

    assert option == screening_option_id("3PJ8PZhZZa1eEdd2DtPNtVup", "opt-1")
    assert is_valid_id(option)
    assert option != screening_option_id("3PJ8PZhZZa1eEdd2DtPNtVup", "opt-2")
    assert option != screening_option_id("B5DVmypWENfU6eMe6gYDyJG3", "opt-1")
    field = integration_field_id("sandbox:B5DVmypWENfU6eMe6gYDyJG3", "ats_jobs", "dept")
    assert is_valid_id(field)
    assert field != integration_field_id("sandbox:B5DVmypWENfU6eMe6gYDyJG3", "ats_candidates", "dept")
