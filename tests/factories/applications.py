"""Factories for the unified ATS data. Related records always belong to the same integration.

Pass `integration=` once at the top (e.g. `ApplicationFactory(integration=integration)`) and every record the
factory creates on the way (candidate, job, stage, ...) belongs to it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import factory

from apps.applications import models
from apps.applications.enums import (
    AttachmentType,
    OfferStatus,
    Outcome,
    RoleScope,
    RoleType,
    StageStatus,
    TrackedVia,
    UserStatus,
)
from tests.factories.integrations import IntegrationFactory

SAME_INTEGRATION = factory.SelfAttribute("..integration")
FIXED_TIME = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


class SyncedRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    integration = factory.SubFactory(IntegrationFactory)
    remote_id = factory.Sequence(lambda n: f"r-{n}")
    changed_at = FIXED_TIME


class JoinRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    integration = factory.SubFactory(IntegrationFactory)
    changed_at = FIXED_TIME


class AtsUserFactory(SyncedRecordFactory):
    class Meta:
        model = models.AtsUser

    remote_id = factory.Sequence(lambda n: f"user-{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.first_name}.{o.last_name}@example.com".lower())
    status = UserStatus.ACTIVE


class RoleFactory(SyncedRecordFactory):
    class Meta:
        model = models.Role

    remote_id = factory.Sequence(lambda n: f"role-{n}")
    remote_label = "Recruiter"
    scope = RoleScope.SYSTEM
    unified_type = RoleType.RECRUITER


class UserRoleAssignmentFactory(JoinRowFactory):
    class Meta:
        model = models.UserRoleAssignment

    user = factory.SubFactory(AtsUserFactory, integration=SAME_INTEGRATION)
    role = factory.SubFactory(RoleFactory, integration=SAME_INTEGRATION)


class TagFactory(SyncedRecordFactory):
    class Meta:
        model = models.Tag

    remote_id = factory.Sequence(lambda n: f"tag-{n}")
    name = factory.Sequence(lambda n: f"Tag {n}")


class RejectionReasonFactory(SyncedRecordFactory):
    class Meta:
        model = models.RejectionReason

    remote_id = factory.Sequence(lambda n: f"reason-{n}")
    name = "Not a fit"


class ApplicationStageFactory(SyncedRecordFactory):
    class Meta:
        model = models.ApplicationStage

    remote_id = factory.Sequence(lambda n: f"stage-{n}")
    name = factory.Sequence(lambda n: f"Stage {n}")
    status = StageStatus.ACTIVE


class JobFactory(SyncedRecordFactory):
    class Meta:
        model = models.Job

    remote_id = factory.Sequence(lambda n: f"job-{n}")
    name = factory.Sequence(lambda n: f"Engineer {n}")
    job_code = factory.Sequence(lambda n: f"JC-{n}")
    description = "<p>Build things.</p>"
    department = "Engineering"
    status = "OPEN"
    employment_type = "FULL_TIME"
    visibility = "PUBLIC"
    post_url = factory.Sequence(lambda n: f"https://jobs.example.com/{n}")
    remote_created_at = FIXED_TIME


class JobStageFactory(JoinRowFactory):
    class Meta:
        model = models.JobStage

    job = factory.SubFactory(JobFactory, integration=SAME_INTEGRATION)
    stage = factory.SubFactory(ApplicationStageFactory, integration=SAME_INTEGRATION)
    index = 0


class ScreeningQuestionFactory(SyncedRecordFactory):
    class Meta:
        model = models.ScreeningQuestion

    remote_id = factory.Sequence(lambda n: f"question-{n}")
    job = factory.SubFactory(JobFactory, integration=SAME_INTEGRATION)
    title = "Do you have a work permit?"
    required = True
    format_type = "BOOLEAN"
    index = 0


class JobPostingFactory(SyncedRecordFactory):
    class Meta:
        model = models.JobPosting

    remote_id = factory.Sequence(lambda n: f"posting-{n}")
    job = factory.SubFactory(JobFactory, integration=SAME_INTEGRATION)
    title = factory.SelfAttribute("job.name")
    url = factory.Sequence(lambda n: f"https://jobs.example.com/postings/{n}")
    status = "ACTIVE"
    visibility = "PUBLIC"


class HiringTeamMemberFactory(JoinRowFactory):
    class Meta:
        model = models.HiringTeamMember

    job = factory.SubFactory(JobFactory, integration=SAME_INTEGRATION)
    user = factory.SubFactory(AtsUserFactory, integration=SAME_INTEGRATION)
    job_roles = factory.LazyFunction(
        lambda: [{"remote_id": "hm", "remote_label": "Hiring manager", "unified_type": "HIRING_MANAGER"}]
    )


class CandidateFactory(SyncedRecordFactory):
    class Meta:
        model = models.Candidate

    remote_id = factory.Sequence(lambda n: f"candidate-{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email_addresses = factory.LazyAttribute(
        lambda o: [{"email_address": f"{o.first_name}.{o.last_name}@example.com".lower(), "type": "PERSONAL"}]
    )
    source = "Acme Jobs"
    tracked_at = FIXED_TIME
    tracked_via = TrackedVia.CREATED
    remote_created_at = FIXED_TIME


class CandidateTagFactory(JoinRowFactory):
    class Meta:
        model = models.CandidateTag

    candidate = factory.SubFactory(CandidateFactory, integration=SAME_INTEGRATION)
    tag = factory.SubFactory(TagFactory, integration=SAME_INTEGRATION)


class ApplicationFactory(SyncedRecordFactory):
    """An application with its own candidate, job and current stage (the stage linked to the job)."""

    class Meta:
        model = models.Application
        skip_postgeneration_save = True

    remote_id = factory.Sequence(lambda n: f"application-{n}")
    candidate = factory.SubFactory(CandidateFactory, integration=SAME_INTEGRATION)
    job = factory.SubFactory(JobFactory, integration=SAME_INTEGRATION)
    current_stage = factory.SubFactory(ApplicationStageFactory, integration=SAME_INTEGRATION)
    outcome = Outcome.PENDING
    tracked_at = FIXED_TIME
    tracked_via = TrackedVia.CREATED
    remote_created_at = FIXED_TIME

    @factory.post_generation
    def link_stage(self, create: bool, extracted: object, **kwargs: object) -> None:
        """Puts the current stage on the job (as the sync would), unless told `link_stage=False`."""
        if not create or extracted is False or self.job is None or self.current_stage is None:
            return
        models.JobStage.objects.get_or_create(
            job=self.job, stage=self.current_stage, defaults={"integration": self.integration, "index": 0}
        )


class OfferFactory(SyncedRecordFactory):
    class Meta:
        model = models.Offer

    remote_id = factory.Sequence(lambda n: f"offer-{n}")
    application = factory.SubFactory(ApplicationFactory, integration=SAME_INTEGRATION)
    status = OfferStatus.SENT


class InterviewFactory(SyncedRecordFactory):
    class Meta:
        model = models.Interview

    remote_id = factory.Sequence(lambda n: f"interview-{n}")
    application = factory.SubFactory(ApplicationFactory, integration=SAME_INTEGRATION)
    stage = factory.SelfAttribute("application.current_stage")
    title = "First interview"
    starting_at = FIXED_TIME
    ending_at = datetime(2024, 5, 1, 13, 0, tzinfo=UTC)
    canceled = False


class InterviewUserFactory(JoinRowFactory):
    class Meta:
        model = models.InterviewUser

    interview = factory.SubFactory(InterviewFactory, integration=SAME_INTEGRATION)
    user = factory.SubFactory(AtsUserFactory, integration=SAME_INTEGRATION)


class NoteFactory(SyncedRecordFactory):
    class Meta:
        model = models.Note

    remote_id = factory.Sequence(lambda n: f"note-{n}")
    application = factory.SubFactory(ApplicationFactory, integration=SAME_INTEGRATION)
    candidate = factory.SelfAttribute("application.candidate")
    author = factory.SubFactory(AtsUserFactory, integration=SAME_INTEGRATION)
    title = "Phone screen"
    content_html = "<p>Strong candidate.</p>"
    is_private = False


class ScorecardFactory(SyncedRecordFactory):
    class Meta:
        model = models.Scorecard

    remote_id = factory.Sequence(lambda n: f"scorecard-{n}")
    interview = factory.SubFactory(InterviewFactory, integration=SAME_INTEGRATION)
    application = factory.SelfAttribute("interview.application")
    candidate = factory.SelfAttribute("interview.application.candidate")
    author = factory.SubFactory(AtsUserFactory, integration=SAME_INTEGRATION)
    responses = factory.LazyFunction(
        lambda: [
            {
                "type": "TEXT",
                "remote_id": "q1",
                "label": "Summary",
                "description": None,
                "required": True,
                "answer": "Good",
            }
        ]
    )


class AttachmentFactory(SyncedRecordFactory):
    class Meta:
        model = models.Attachment

    remote_id = factory.Sequence(lambda n: f"attachment-{n}")
    application = factory.SubFactory(ApplicationFactory, integration=SAME_INTEGRATION)
    candidate = factory.SelfAttribute("application.candidate")
    file_name = "cv.pdf"
    type = AttachmentType.CV
    content_type = "application/pdf"
