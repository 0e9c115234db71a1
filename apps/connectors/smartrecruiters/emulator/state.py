"""The SmartRecruiters emulator's in-memory company: records, enums and every state change.

Nothing here knows about HTTP. Mutations raise `Invalid` (a 400 in the vendor's format) or `Missing` (404);
every change to a candidate or one of its applications moves the candidate's `updatedOn`.
Reference: /work/shared/reference/ats-smartrecruiters-factorial.md Part A (SR-RB = the SmartRecruiters
OpenAPI-generated Ruby SDK, SR-DOC = developers.smartrecruiters.com).
"""

from __future__ import annotations

import random
import re
import uuid
from datetime import datetime
from typing import Any

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import fmt as fmt  # re-exported: the renderers format times with it
from apps.connectors.emulation.records import ms
from apps.connectors.smartrecruiters.emulator.inputs import (
    _list_of_objects,
    _merge_tags,
    _object,
    _optional_text,
    _required_text,
    _tags,
    _web,
)
from apps.connectors.smartrecruiters.emulator.model import (
    ATTACHMENT_TYPES,
    ATTENDEE_STATUSES,
    CANDIDATE_STATUSES,
    CANDIDATE_STATUSES_WRITABLE,
    HIRING_TEAM_ROLES,
    JOB_STATUSES_WRITABLE,
    SUB_STATUS_STATUSES,
    Application,
    Attachment,
    Candidate,
    HiringProcess,
    Interview,
    Invalid,
    Job,
    Message,
    Missing,
    Offer,
    Posting,
    Publication,
    Reason,
    SourceType,
    SourceValue,
    StatusChange,
    Timeslot,
    User,
    parse_time,
)
from apps.connectors.smartrecruiters.emulator.source_library import SourceLibrary

# -- the company ----------------------------------------------------------------------------------
_CANDIDATE_TAG = re.compile(r"#\[CANDIDATE:([^\]]+)\]")
_USER_MENTION = re.compile(r"@\[USER:([^\]]+)\]")


class Ids:
    """Deterministic ids: the same seed and the same sequence of operations give the same ids."""

    def __init__(self, seed: int | str) -> None:
        self.rng = random.Random(f"smartrecruiters-ids-{seed}")

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def object_id(self) -> str:
        # User ids look like MongoDB ObjectIds: 24 hex digits (SR-WH, reference A5 users example).
        return f"{self.rng.getrandbits(96):024x}"

    def numeric(self) -> str:
        return str(self.rng.randrange(10**9, 10**10))


class State(SourceLibrary):
    """All records of one emulated SmartRecruiters company."""

    def __init__(self, *, company_identifier: str, company_name: str, clock: Clock, seed: int | str = 0) -> None:
        self.company_identifier = company_identifier
        self.company_name = company_name
        self.clock = clock
        self.ids = Ids(seed)
        self.users: dict[str, User] = {}
        self.hiring_processes: dict[str, HiringProcess] = {}
        self.rejection_reasons: dict[str, Reason] = {}
        self.withdrawal_reasons: dict[str, Reason] = {}
        self.departments: dict[str, str] = {}
        self.source_types: dict[str, SourceType] = {}
        self.source_values: dict[str, SourceValue] = {}  # keyed by sourceIdentifier
        self.jobs: dict[str, Job] = {}
        self.candidates: dict[str, Candidate] = {}
        self.applications: dict[str, Application] = {}
        self.attachments: dict[str, Attachment] = {}
        self.messages: dict[str, Message] = {}
        self.offers: dict[str, Offer] = {}
        self.interviews: dict[str, Interview] = {}
        self.owner_user_id: str | None = None  # who API keys and client-credentials act as (/users/me)
        # Webhook events of the changes made (name, payload), sent by the emulator after each request.
        self.events: list[tuple[str, dict[str, Any]]] = []

    def emit(self, name: str, payload: dict[str, Any]) -> None:
        self.events.append((name, payload))

    def _emit_application(self, name: str, application: Application) -> None:
        # ApplicationWebhookPayload{job_id, candidate_id, application_id} (SR-RB models).
        self.emit(
            name,
            {"job_id": application.job_id, "candidate_id": application.candidate_id, "application_id": application.id},
        )

    def now(self) -> datetime:
        return ms(self.clock.now())

    # -- lookups --------------------------------------------------------------------------------
    def job(self, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None:
            raise Missing("Job", job_id)
        return job

    def candidate(self, candidate_id: str) -> Candidate:
        candidate = self.candidates.get(candidate_id)
        if candidate is None:
            raise Missing("Candidate", candidate_id)
        return candidate

    def user(self, user_id: str) -> User:
        user = self.users.get(user_id)
        if user is None:
            raise Missing("User", user_id)
        return user

    def application_for(self, candidate_id: str, job_id: str) -> Application:
        candidate = self.candidate(candidate_id)
        for application_id in candidate.application_ids:
            application = self.applications[application_id]
            if application.job_id == job_id:
                return application
        raise Missing("Application", f"{candidate_id}/{job_id}")

    def candidate_applications(self, candidate: Candidate) -> list[Application]:
        return [self.applications[application_id] for application_id in candidate.application_ids]

    def primary_application(self, candidate: Candidate) -> Application | None:
        # primaryAssignment = the most recent application; the rest are secondaryAssignments.
        # Which one SmartRecruiters calls "primary" is NOT FOUND in the docs; most recent is our choice.
        return self.applications[candidate.application_ids[-1]] if candidate.application_ids else None

    def posting_by_uuid(self, posting_uuid: str) -> tuple[Job, Posting]:
        for job in self.jobs.values():
            if job.posting is not None and job.posting.uuid == posting_uuid and job.posting.active:
                return job, job.posting
        raise Missing("Posting", posting_uuid)

    def find_candidate_by_email(self, email: str) -> Candidate | None:
        wanted = email.strip().lower()
        for candidate in self.candidates.values():
            if candidate.email.lower() == wanted:
                return candidate
        return None

    # -- candidates and applications ------------------------------------------------------------
    def _touch(self, candidate: Candidate, when: datetime | None = None) -> datetime:
        when = when or self.now()
        candidate.updated_on = max(candidate.updated_on, when)
        return when

    def _job_activity(self, job: Job, when: datetime) -> None:
        # "lastActivityOn is updated when job is edited, new candidates apply or job is published" (SR-RB jobs_all)
        job.last_activity_on = max(job.last_activity_on, when)

    def create_candidate(
        self, data: dict[str, Any], *, job: Job | None, source: tuple[str, str | None, str]
    ) -> tuple[Candidate, Application | None]:
        """POST /candidates (job=None) or POST /jobs/{id}/candidates. An existing email reuses that profile:
        SmartRecruiters keeps one profile per person and one application per job ("SmartRecruiters only allows a
        single job application per profile", help.smartrecruiters.com Merge_Candidates_FAQ). Reuse on create
        is our reading; the API docs do not say."""
        first_name = _required_text(data, "firstName")
        last_name = _required_text(data, "lastName")
        email = _required_text(data, "email")
        if "@" not in email:
            raise Invalid("email: must be a well-formed email address")
        tags = _tags(data.get("tags", []), "tags")
        # Parse everything before writing anything: a refused request leaves no trace.
        phone = _optional_text(data, "phoneNumber")
        location = _object(data, "location")
        web = _web(data.get("web"))
        education = _list_of_objects(data, "education")
        experience = _list_of_objects(data, "experience")
        now = self.now()
        candidate = self.find_candidate_by_email(email)
        if candidate is None:
            candidate = Candidate(
                id=self.ids.uuid(),
                first_name=first_name,
                last_name=last_name,
                email=email,
                created_on=now,
                updated_on=now,
                phone=phone,
                location=location,
                web=web,
                tags=tags,
                internal=bool(data.get("internal", False)),
                education=education,
                experience=experience,
            )
            self.candidates[candidate.id] = candidate
            self.emit("candidate.created", {"id": candidate.id})
        else:
            if job is not None and any(self.applications[a].job_id == job.id for a in candidate.application_ids):
                raise Invalid("Candidate has already applied to this job", "CANDIDATE_ALREADY_APPLIED", 409)
            # Merge like SmartRecruiters does: blanks are filled, nothing is overwritten.
            candidate.phone = candidate.phone or phone
            candidate.location = candidate.location or location
            candidate.web = candidate.web or web
            candidate.tags = _merge_tags(candidate.tags, tags)
            self._touch(candidate, now)
            self.emit("candidate.updated", {"id": candidate.id})
        application = None
        if job is not None:
            application = self._add_application(candidate, job, source, now)
        return candidate, application

    def _add_application(
        self, candidate: Candidate, job: Job, source: tuple[str, str | None, str], when: datetime
    ) -> Application:
        # Only status NEW can be created through the API (SR-DOC post-an-application).
        application = Application(
            id=self.ids.uuid(),
            candidate_id=candidate.id,
            job_id=job.id,
            created_on=when,
            updated_on=when,
            status="NEW",
            source=source,
            history=[StatusChange(when, "NEW")],
        )
        self.applications[application.id] = application
        candidate.application_ids.append(application.id)
        self._touch(candidate, when)
        self._job_activity(job, when)
        self._emit_application("application.created", application)
        return application

    def update_candidate(self, candidate: Candidate, data: dict[str, Any]) -> Candidate:
        """PATCH /candidates/{id} (PersonalDetails): only the fields present change."""
        for key, attribute in (("firstName", "first_name"), ("lastName", "last_name"), ("email", "email")):
            if key in data:
                setattr(candidate, attribute, _required_text(data, key))
        if "phoneNumber" in data:
            candidate.phone = _optional_text(data, "phoneNumber")
        if "location" in data:
            candidate.location = _object(data, "location")
        if "web" in data:
            candidate.web = _web(data.get("web"))
        self._touch(candidate)
        self.emit("candidate.updated", {"id": candidate.id})
        return candidate

    def delete_candidate(self, candidate_id: str) -> None:
        candidate = self.candidate(candidate_id)
        for application_id in candidate.application_ids:
            self.applications.pop(application_id, None)
        for attachment_id in [a.id for a in self.attachments.values() if a.candidate_id == candidate_id]:
            del self.attachments[attachment_id]
        for offer_id in [o.id for o in self.offers.values() if o.candidate_id == candidate_id]:
            del self.offers[offer_id]
        for interview_id in [i.id for i in self.interviews.values() if i.candidate_id == candidate_id]:
            del self.interviews[interview_id]
        del self.candidates[candidate_id]
        self.emit("candidate.deleted", {"id": candidate_id})

    def set_status(self, application: Application, body: dict[str, Any]) -> bool:
        """PUT /candidates/{id}/jobs/{jobId}/status. Returns False when nothing changed (same status)."""
        status = body.get("status")
        if status is None:
            raise Invalid("status: must not be null")
        if status not in CANDIDATE_STATUSES:
            raise Invalid(f"status: must be one of {', '.join(CANDIDATE_STATUSES)}")
        if status not in CANDIDATE_STATUSES_WRITABLE:
            raise Invalid(f"status: {status} cannot be set through the API")
        sub_status = body.get("subStatus")
        if sub_status is not None:
            if status not in SUB_STATUS_STATUSES:
                raise Invalid(f"subStatus: only allowed with status {', '.join(SUB_STATUS_STATUSES)}")
            if not isinstance(sub_status, str) or sub_status not in self.sub_statuses_for(application.job_id, status):
                raise Invalid(f"subStatus: {sub_status} is not a sub-status of {status} in the hiring process")
        reason = body.get("reason")
        rejection = withdrawal = None
        if reason is not None:
            if status == "REJECTED":
                if reason not in self.rejection_reasons:
                    raise Invalid(f"reason: rejection reason {reason} does not exist")
                rejection = reason
            elif status == "WITHDRAWN":
                if reason not in self.withdrawal_reasons:
                    raise Invalid(f"reason: withdrawal reason {reason} does not exist")
                withdrawal = reason
            else:
                raise Invalid("reason: only allowed with status REJECTED or WITHDRAWN")
        starts_on = None
        if body.get("startsOn") is not None:
            if status != "HIRED":
                raise Invalid("startsOn: only allowed with status HIRED")
            if not isinstance(body["startsOn"], str):
                raise Invalid("startsOn: must be an ISO-8601 date-time")
            starts_on = parse_time(body["startsOn"], "startsOn")
        unchanged = (
            status == application.status
            and sub_status == application.sub_status
            and rejection == application.rejection_reason_id
            and withdrawal == application.withdrawal_reason_id
            and (starts_on is None or starts_on == application.starts_on)
        )
        if unchanged:
            return False
        now = self.now()
        application.status = status
        application.sub_status = sub_status
        application.rejection_reason_id = rejection
        application.withdrawal_reason_id = withdrawal
        application.starts_on = starts_on if status == "HIRED" else None
        application.history.append(StatusChange(now, status, sub_status))
        application.updated_on = now
        self._touch(self.candidate(application.candidate_id), now)
        self._job_activity(self.job(application.job_id), now)
        self._emit_application("application.status.updated", application)
        return True

    def sub_statuses_for(self, job_id: str, status: str) -> list[str]:
        # The job → hiring process link is NOT FOUND in JobDetails (reference A5), so a client cannot learn
        # a job's process; we accept any sub-status an active process defines for that status.
        names: list[str] = []
        for process in self.hiring_processes.values():
            if process.active:
                names.extend(name for name in process.sub_statuses.get(status, []) if name not in names)
        return names

    def set_source(self, application: Application, body: dict[str, Any]) -> None:
        application.source = self.resolve_source(body)
        now = self.now()
        application.updated_on = now
        self._touch(self.candidate(application.candidate_id), now)
        self._emit_application("application.source.updated", application)

    def set_properties(self, application: Application, values: dict[str, Any]) -> None:
        """Candidate property values of the application (emulator/property_values.py validated them)."""
        application.properties.update(values)
        now = self.now()
        application.updated_on = now
        self._touch(self.candidate(application.candidate_id), now)

    def add_tags(self, candidate: Candidate, tags: list[str]) -> list[str]:
        candidate.tags = _merge_tags(candidate.tags, tags)
        self._touch(candidate)
        self.emit("candidate.updated", {"id": candidate.id})  # assumed: tags are candidate fields
        return candidate.tags

    def replace_tags(self, candidate: Candidate, tags: list[str]) -> list[str]:
        candidate.tags = _merge_tags([], tags)
        self._touch(candidate)
        self.emit("candidate.updated", {"id": candidate.id})  # assumed: tags are candidate fields
        return candidate.tags

    def clear_tags(self, candidate: Candidate) -> None:
        candidate.tags = []
        self._touch(candidate)
        self.emit("candidate.updated", {"id": candidate.id})  # assumed: tags are candidate fields

    def add_attachment(
        self, candidate: Candidate, *, job_id: str | None, name: str, type_: str, content_type: str, content: bytes
    ) -> Attachment:
        if type_ not in ATTACHMENT_TYPES:
            raise Invalid(f"attachmentType: must be one of {', '.join(ATTACHMENT_TYPES)}")
        if not name:
            raise Invalid("file: a file name is required")
        now = self.now()
        attachment = Attachment(self.ids.uuid(), candidate.id, job_id, name, type_, content_type, content, now)
        self.attachments[attachment.id] = attachment
        self._touch(candidate, now)
        if job_id is not None:
            # ApplicationAttachmentWebhookPayload{job_id, candidate_id, application_id, attachment_id}
            application = next(
                (self.applications[a] for a in candidate.application_ids if self.applications[a].job_id == job_id), None
            )
            self.emit(
                "application.attachment.created",
                {"job_id": job_id, "candidate_id": candidate.id, "attachment_id": attachment.id,
                 "application_id": application.id if application else None},
            )  # fmt: skip
        return attachment

    def delete_attachment(self, attachment_id: str) -> None:
        attachment = self.attachments.pop(attachment_id, None)
        if attachment is None:
            raise Missing("Attachment", attachment_id)
        candidate = self.candidates.get(attachment.candidate_id)
        if candidate is not None:
            self._touch(candidate)

    def share_message(self, body: dict[str, Any], author_id: str | None) -> Message:
        """POST /messages/shares: `#[CANDIDATE:id]` links the note to a profile, `@[USER:id]` mentions a user."""
        content = body.get("content")
        if not isinstance(content, str) or not content.strip():
            raise Invalid("content: must not be empty")
        share_with = body.get("shareWith") or {}
        if not isinstance(share_with, dict):
            raise Invalid("shareWith: must be an object")
        users = share_with.get("users") or []
        hiring_team_of = share_with.get("hiringTeamOf") or []
        if not isinstance(users, list) or not isinstance(hiring_team_of, list):
            raise Invalid("shareWith.users and shareWith.hiringTeamOf: must be arrays")
        for user_id in [*users, *_USER_MENTION.findall(content)]:
            if user_id not in self.users:
                raise Invalid(f"User {user_id} does not exist", "USER_NOT_FOUND")
        for job_id in hiring_team_of:
            if job_id not in self.jobs:
                raise Invalid(f"Job {job_id} does not exist", "JOB_NOT_FOUND")
        candidate_ids = list(dict.fromkeys(_CANDIDATE_TAG.findall(content)))
        for candidate_id in candidate_ids:
            if candidate_id not in self.candidates:
                raise Invalid(f"Candidate {candidate_id} does not exist", "CANDIDATE_NOT_FOUND")
        now = self.now()
        message = Message(
            id=self.ids.uuid(),
            content=content,
            author_id=author_id,
            created_on=now,
            candidate_ids=candidate_ids,
            correlation_id=body.get("correlationId"),
            users=list(users),
            hiring_team_of=list(hiring_team_of),
            everyone=bool(share_with.get("everyone", False)),
            open_note=bool(share_with.get("openNote", False)),
        )
        self.messages[message.id] = message
        for candidate_id in candidate_ids:
            self._touch(self.candidates[candidate_id], now)
        return message

    def create_interview(self, body: dict[str, Any]) -> Interview:
        """POST /interviews; required: candidate, jobId, organizerId, timezone, timeslots (SR-RB interview.rb)."""
        candidate_ref = body.get("candidate")
        if not isinstance(candidate_ref, dict) or not candidate_ref.get("id"):
            raise Invalid("candidate: must not be null")
        job_id = body.get("jobId")
        if not job_id:
            raise Invalid("jobId: must not be null")
        application = self.application_for(str(candidate_ref["id"]), str(job_id))
        organizer_id = body.get("organizerId")
        if not organizer_id:
            raise Invalid("organizerId: must not be null")
        if organizer_id not in self.users:
            raise Invalid(f"organizerId: user {organizer_id} does not exist")
        timezone = body.get("timezone")
        if not isinstance(timezone, str) or not timezone:
            raise Invalid("timezone: must not be null")
        raw_slots = body.get("timeslots")
        if not isinstance(raw_slots, list) or not raw_slots:
            raise Invalid("timeslots: must not be empty")
        slots = []
        for index, raw in enumerate(raw_slots):
            if not isinstance(raw, dict):
                raise Invalid(f"timeslots[{index}]: must be an object")
            for key in ("startsOn", "endsOn"):
                if not isinstance(raw.get(key), str):
                    raise Invalid(f"timeslots[{index}].{key}: must not be null")
            starts = parse_time(raw["startsOn"], f"timeslots[{index}].startsOn")
            ends = parse_time(raw["endsOn"], f"timeslots[{index}].endsOn")
            if ends <= starts:
                raise Invalid(f"timeslots[{index}].endsOn: must be after startsOn")
            interviewers = raw.get("interviewers")
            if not isinstance(interviewers, list):
                raise Invalid(f"timeslots[{index}].interviewers: must not be null")
            parsed = []
            for interviewer in interviewers:
                user_id = interviewer.get("id") if isinstance(interviewer, dict) else None
                if user_id not in self.users:
                    raise Invalid(f"timeslots[{index}].interviewers: user {user_id} does not exist")
                status = interviewer.get("status") or "pending"
                if status not in ATTENDEE_STATUSES:
                    raise Invalid(
                        f"timeslots[{index}].interviewers.status: must be one of {', '.join(ATTENDEE_STATUSES)}"
                    )
                parsed.append((user_id, status))
            candidate_status = raw.get("candidateStatus", "pending")
            if candidate_status is not None and candidate_status not in ATTENDEE_STATUSES:
                raise Invalid(f"timeslots[{index}].candidateStatus: must be one of {', '.join(ATTENDEE_STATUSES)}")
            slots.append(
                Timeslot(
                    id=self.ids.uuid(),
                    starts_on=starts,
                    ends_on=ends,
                    interviewers=parsed,
                    interview_type=raw.get("interviewType"),
                    title=raw.get("title"),
                    place=raw.get("place"),
                    candidate_status=candidate_status,
                )
            )
        now = self.now()
        interview = Interview(
            id=self.ids.uuid(),
            candidate_id=application.candidate_id,
            job_id=application.job_id,
            application_id=application.id,
            organizer_id=organizer_id,
            timezone=timezone,
            created_on=now,
            timeslots=slots,
            location=body.get("location"),
            ref_url=body.get("refUrl"),
            source=body.get("source"),
        )
        self.interviews[interview.id] = interview
        self._touch(self.candidate(application.candidate_id), now)
        return interview

    # -- jobs -----------------------------------------------------------------------------------
    def set_job_status(self, job: Job, status: Any) -> None:
        if status is None:
            raise Invalid("status: must not be null")
        if status not in JOB_STATUSES_WRITABLE:
            raise Invalid(f"status: must be one of {', '.join(JOB_STATUSES_WRITABLE)}")
        if status == job.status:
            return
        now = self.now()
        job.status = status
        job.status_history.append((now, status))
        job.updated_on = now
        self._job_activity(job, now)
        self.emit("job.status.updated", {"id": job.id})  # JobWebhookPayload{id}

    def add_hiring_team_member(self, job: Job, body: dict[str, Any]) -> tuple[str, str]:
        user_id, role = body.get("id"), body.get("role")
        if not user_id or user_id not in self.users:
            raise Invalid(f"id: user {user_id} does not exist")
        if role not in HIRING_TEAM_ROLES:
            raise Invalid(f"role: must be one of {', '.join(HIRING_TEAM_ROLES)}")
        job.hiring_team = [(uid, r) for uid, r in job.hiring_team if uid != user_id] + [(user_id, role)]
        job.updated_on = self.now()
        self.emit("job.hiring-team.updated", {"id": job.id})
        return user_id, role

    def remove_hiring_team_member(self, job: Job, user_id: str) -> None:
        if not any(uid == user_id for uid, _ in job.hiring_team):
            raise Missing("Hiring team member", user_id)
        job.hiring_team = [(uid, role) for uid, role in job.hiring_team if uid != user_id]
        job.updated_on = self.now()
        self.emit("job.hiring-team.updated", {"id": job.id})

    def publish(self, job: Job, visibility: str) -> None:
        if visibility not in ("PUBLIC", "INTERNAL"):
            raise Invalid("visibility: must be one of PUBLIC, INTERNAL")
        now = self.now()
        job.posting_status = visibility
        job.publications.append(Publication("Career Page", visibility, now))
        if job.posting is not None:
            job.posting.active = True
        for ad in job.job_ads:
            ad.posting_status = "PUBLISHED"
            ad.visibility = visibility
            ad.updated_on = now
        job.updated_on = now
        self._job_activity(job, now)
        for ad in job.job_ads:  # JobAdWebhookPayload{job_id, job_ad_id}
            self.emit("job.ad.postings.updated", {"job_id": job.id, "job_ad_id": ad.id})

    def unpublish(self, job: Job) -> None:
        now = self.now()
        job.posting_status = "NOT_PUBLISHED"
        for publication in job.publications:
            if publication.unpublished_on is None:
                publication.unpublished_on = now
        if job.posting is not None:
            job.posting.active = False
        for ad in job.job_ads:
            ad.posting_status = "NOT_PUBLISHED"
            ad.updated_on = now
        job.updated_on = now
        for ad in job.job_ads:
            self.emit("job.ad.postings.updated", {"job_id": job.id, "job_ad_id": ad.id})
