"""The other ten ATS lists through the official SDK against a live server: parsing, paging and every filter."""

from __future__ import annotations

from datetime import UTC, datetime

from kombo import Kombo

from apps.integrations.models import Integration
from tests.applications.support import collect, ids
from tests.factories import applications as f

LATER = datetime(2024, 6, 1, tzinfo=UTC)
AFTER = datetime(2024, 5, 15, tzinfo=UTC)


def test_tags_stages_and_rejection_reasons(kombo: Kombo, integration: Integration) -> None:
    tags = f.TagFactory.create_batch(3, integration=integration)
    deleted_tag = f.TagFactory(integration=integration, remote_deleted_at=LATER, changed_at=LATER)
    changed_tag = f.TagFactory(integration=integration, changed_at=LATER)
    stages = [
        f.ApplicationStageFactory(integration=integration, status="ACTIVE"),
        f.ApplicationStageFactory(integration=integration, status="INACTIVE", changed_at=LATER),
    ]
    reasons = f.RejectionReasonFactory.create_batch(2, integration=integration)

    assert collect(kombo.ats.get_tags, page_size=2) == ids(*tags, changed_tag)
    assert collect(kombo.ats.get_tags, include_deleted=True, updated_after=AFTER) == ids(deleted_tag, changed_tag)
    assert collect(kombo.ats.get_tags, remote_ids=[tags[1].remote_id]) == ids(tags[1])
    assert collect(kombo.ats.get_application_stages, page_size=1) == ids(*stages)
    assert collect(kombo.ats.get_application_stages, updated_after=AFTER) == ids(stages[1])
    assert [stage.status for stage in kombo.ats.get_application_stages().result.data.results] == ["ACTIVE", "INACTIVE"]
    assert collect(kombo.ats.get_rejection_reasons, page_size=1) == ids(*reasons)
    assert collect(kombo.ats.get_rejection_reasons, ids=[reasons[0].id]) == ids(reasons[0])


def test_users_and_roles(kombo: Kombo, integration: Integration) -> None:
    admin_role = f.RoleFactory(integration=integration, scope="SYSTEM", unified_type="ADMIN", remote_label="Admin")
    job_role = f.RoleFactory(integration=integration, scope="JOB", unified_type="HIRING_MANAGER")
    anna = f.AtsUserFactory(integration=integration, email="Anna@Example.com")
    ben = f.AtsUserFactory(integration=integration, email="ben@example.com")
    cleo = f.AtsUserFactory(integration=integration, email=None)
    f.UserRoleAssignmentFactory(integration=integration, user=anna, role=admin_role)
    f.UserRoleAssignmentFactory(integration=integration, user=ben, role=job_role, changed_at=LATER)  # assigned later
    f.UserRoleAssignmentFactory(
        integration=integration, user=cleo, role=f.RoleFactory(integration=integration, changed_at=LATER)
    )  # the role itself changed later

    assert collect(kombo.ats.get_users, page_size=2) == ids(anna, ben, cleo)
    assert collect(kombo.ats.get_users, emails=["anna@example.com", "BEN@example.com"]) == ids(anna, ben)
    assert collect(kombo.ats.get_users, updated_after=AFTER) == ids(ben, cleo)
    users = {user.id: user for user in kombo.ats.get_users().result.data.results}
    assert [(r.remote_label, r.unified_type, r.scope) for r in users[anna.id].system_roles] == [
        ("Admin", "ADMIN", "SYSTEM")
    ]
    assert collect(kombo.ats.get_roles, scopes=["JOB"]) == ids(job_role)
    assert len(collect(kombo.ats.get_roles, scopes=["SYSTEM", "JOB"], page_size=1)) == 3


def test_offers(kombo: Kombo, integration: Integration) -> None:
    sent = f.OfferFactory(
        integration=integration, status="SENT", employment_start_date=datetime(2024, 9, 1, tzinfo=UTC)
    )
    application_changed = f.OfferFactory(
        integration=integration, application=f.ApplicationFactory(integration=integration, changed_at=LATER)
    )
    orphan = f.OfferFactory(integration=integration, application=None, status=None)

    assert collect(kombo.ats.get_offers, page_size=2) == ids(sent, application_changed, orphan)
    assert collect(kombo.ats.get_offers, updated_after=AFTER) == ids(application_changed)
    results = {offer.id: offer for offer in kombo.ats.get_offers().result.data.results}
    assert results[sent.id].application.candidate.id == sent.application.candidate.id
    assert results[sent.id].application.job.id == sent.application.job.id
    assert results[sent.id].employment_start_date == datetime(2024, 9, 1, tzinfo=UTC)
    assert results[orphan.id].application is None


def test_interviews(kombo: Kombo, integration: Integration) -> None:
    first_job, second_job = f.JobFactory.create_batch(2, integration=integration)
    onsite = f.InterviewFactory(
        integration=integration,
        application=f.ApplicationFactory(integration=integration, job=first_job),
        location={"city": "Berlin", "street_1": "Hauptstr. 1"},
    )
    video = f.InterviewFactory(
        integration=integration,
        application=f.ApplicationFactory(integration=integration, job=second_job),
        video_conferencing_url="https://meet.example.com/x",
    )
    interviewer_added = f.InterviewFactory(integration=integration)
    f.InterviewUserFactory(integration=integration, interview=interviewer_added, changed_at=LATER)
    application_changed = f.InterviewFactory(
        integration=integration, application=f.ApplicationFactory(integration=integration, changed_at=LATER)
    )
    interviewer = f.InterviewUserFactory(integration=integration, interview=onsite)

    assert collect(kombo.ats.get_interviews, page_size=3) == ids(onsite, video, interviewer_added, application_changed)
    assert collect(kombo.ats.get_interviews, job_ids=[second_job.id]) == ids(video)
    assert collect(kombo.ats.get_interviews, updated_after=AFTER) == ids(interviewer_added, application_changed)
    results = {interview.id: interview for interview in kombo.ats.get_interviews().result.data.results}
    assert [user.id for user in results[onsite.id].users] == [interviewer.user.id]
    assert results[onsite.id].location.street_1 == "Hauptstr. 1"
    assert results[onsite.id].application.job.id == first_job.id
    assert results[video.id].video_conferencing_url == "https://meet.example.com/x"


def test_notes_scorecards_and_attachments(kombo: Kombo, integration: Integration) -> None:
    application = f.ApplicationFactory(integration=integration)
    other = f.ApplicationFactory(integration=integration)
    note = f.NoteFactory(integration=integration, application=application)
    candidate_note = f.NoteFactory(integration=integration, application=None, candidate=application.candidate)
    other_note = f.NoteFactory(integration=integration, application=other, changed_at=LATER)
    interview = f.InterviewFactory(integration=integration, application=application)
    scorecard = f.ScorecardFactory(integration=integration, interview=interview)
    other_scorecard = f.ScorecardFactory(
        integration=integration, interview=f.InterviewFactory(integration=integration, application=other)
    )
    cv = f.AttachmentFactory(integration=integration, application=application)
    other_cv = f.AttachmentFactory(integration=integration, application=other, type="COVER_LETTER")

    candidate_id = application.candidate_id
    assert collect(kombo.ats.get_notes, candidate_ids=[candidate_id]) == ids(note, candidate_note)
    assert collect(kombo.ats.get_notes, application_ids=[application.id]) == ids(note)
    assert collect(kombo.ats.get_notes, updated_after=AFTER) == ids(other_note)
    assert collect(kombo.ats.get_notes, page_size=1) == ids(note, candidate_note, other_note)
    assert collect(kombo.ats.get_ats_scorecards, candidate_ids=[candidate_id]) == ids(scorecard)
    assert collect(kombo.ats.get_ats_scorecards, application_ids=[other.id, application.id], page_size=1) == ids(
        scorecard, other_scorecard
    )
    assert collect(kombo.ats.get_ats_attachments, candidate_ids=[other.candidate_id]) == ids(other_cv)
    assert collect(kombo.ats.get_ats_attachments, application_ids=[application.id]) == ids(cv)
    assert collect(kombo.ats.get_ats_attachments, page_size=1) == ids(cv, other_cv)
    (listed_note,) = kombo.ats.get_notes(ids=[note.id]).result.data.results
    assert (listed_note.author.id, listed_note.content_html) == (note.author_id, "<p>Strong candidate.</p>")
    (listed_scorecard,) = kombo.ats.get_ats_scorecards(ids=[scorecard.id]).result.data.results
    assert [(r.TYPE, r.label, r.answer) for r in listed_scorecard.responses] == [("TEXT", "Summary", "Good")]
    (listed_cv,) = kombo.ats.get_ats_attachments(ids=[other_cv.id]).result.data.results
    assert (listed_cv.type, listed_cv.file_name, listed_cv.content_ref) == ("COVER_LETTER", "cv.pdf", None)
