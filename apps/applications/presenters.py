"""Records → the contract's JSON shapes (§4), with plain functions for speed.

Every required and required-nullable key is always present (null when unknown, `[]` for empty lists),
datetimes use `format_datetime`, and a closed enum only ever carries one of its values (anything else
becomes null, since the SDK would reject the whole page over it). The DRF serializers in
`apps.applications.schema` describe the same shapes for the OpenAPI document; a test keeps the two equal.

Presenters only read what the selectors load (`only()`/`select_related`/prefetch), so rendering a page runs
no queries of its own.
"""

from __future__ import annotations

from typing import Any

from apps.applications.enums import (
    HIRING_TEAM_ROLES,
    QUESTION_DISPLAY_TYPES,
    QUESTION_FORMAT_DETAILS,
    SCREENING_ANSWER_KEYS,
    SELECT_FORMATS,
    AttachmentType,
    IntegrationFieldType,
    OfferStatus,
    Outcome,
    PostingStatus,
    PostingVisibility,
    QuestionCategory,
    QuestionFormat,
    RoleScope,
    RoleType,
    ScorecardResponseType,
    StageStatus,
    UserStatus,
)
from apps.applications.identifiers import integration_field_id, screening_option_id
from apps.applications.models import (
    Application,
    ApplicationStage,
    AtsUser,
    Attachment,
    Candidate,
    HiringTeamMember,
    Interview,
    Job,
    JobStage,
    Note,
    Offer,
    RejectionReason,
    Role,
    Scorecard,
    ScreeningQuestion,
    Tag,
)
from apps.connectors.catalog import ReadModel
from apps.core.timeutils import format_datetime

Json = dict[str, Any]

LOCATION_KEYS = ("city", "country", "raw", "state", "street_1", "street_2", "zip_code")

_STAGE_STATUSES = frozenset(StageStatus.values)
_USER_STATUSES = frozenset(UserStatus.values)
_OUTCOMES = frozenset(Outcome.values)
_OFFER_STATUSES = frozenset(OfferStatus.values)
_ATTACHMENT_TYPES = frozenset(AttachmentType.values)
_ROLE_TYPES = frozenset(RoleType.values)
_ROLE_SCOPES = frozenset(RoleScope.values)
_POSTING_STATUSES = frozenset(PostingStatus.values)
_POSTING_VISIBILITIES = frozenset(PostingVisibility.values)
_QUESTION_CATEGORIES = frozenset(QuestionCategory.values)
_HIRING_TEAM_ROLES = frozenset(HIRING_TEAM_ROLES)
_FIELD_TYPES = frozenset(IntegrationFieldType.values)


def _closed(value: Any, allowed: frozenset[str]) -> str | None:
    return value if value in allowed else None


def _str(value: Any) -> str | None:
    """Text for an optional string key: a non-string (a number in a JSON column) would fail the SDK."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    return None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _number(value: Any) -> float | int | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dict(value: Any) -> Json:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def present_location(value: Any) -> Json | None:
    if not isinstance(value, dict):
        return None
    return {key: _str(value.get(key)) for key in LOCATION_KEYS}


def present_email_addresses(value: Any) -> list[Json]:
    return [
        {"type": _str(entry.get("type")), "email_address": _str(entry.get("email_address"))}
        for entry in _list(value)
        if isinstance(entry, dict)
    ]


def present_phone_numbers(value: Any) -> list[Json]:
    return [
        {"phone_number": _str(entry["phone_number"]), "type": _str(entry.get("type"))}
        for entry in _list(value)
        if isinstance(entry, dict) and _str(entry.get("phone_number"))
    ]


def present_social_media(value: Any) -> list[Json]:
    return [
        {"link": _str(entry.get("link")), "type": _str(entry.get("type")), "username": _str(entry.get("username"))}
        for entry in _list(value)
        if isinstance(entry, dict)
    ]


def present_integration_fields(record: Any, model: ReadModel) -> list[Json]:
    """`[{id, key, type, value, label}]`; ids are derived from integration, model and key (stable)."""
    fields = []
    for entry in _list(record.integration_fields):
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            continue
        fields.append(
            {
                "id": integration_field_id(record.integration_id, model.value, entry["key"]),
                "key": entry["key"],
                "type": _closed(entry.get("type"), _FIELD_TYPES) or IntegrationFieldType.DEFAULT.value,
                "value": entry.get("value"),
                "label": _str(entry.get("label")),
            }
        )
    return fields


def _user_summary(user: AtsUser | None) -> Json | None:
    if user is None:
        return None
    return {
        "id": user.id,
        "remote_id": user.remote_id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
    }


def _job_summary(job: Job | None) -> Json | None:
    if job is None:
        return None
    return {"id": job.id, "remote_id": job.remote_id, "name": job.name}


def _candidate_summary(candidate: Candidate | None) -> Json | None:
    """The short candidate inside offers' and interviews' `application`."""
    if candidate is None:
        return None
    return {
        "id": candidate.id,
        "remote_id": candidate.remote_id,
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "email_addresses": present_email_addresses(candidate.email_addresses),
    }


def _tags(candidate: Candidate) -> list[Json]:
    return [
        {"id": link.tag.id, "remote_id": link.tag.remote_id, "name": link.tag.name}
        for link in candidate.candidate_tags.all()
    ]


# -- jobs ----------------------------------------------------------------------------------------------


def _present_job_stage(link: JobStage) -> Json:
    stage = link.stage
    return {
        "id": stage.id,
        "remote_id": stage.remote_id,
        "name": stage.name,
        "status": _closed(stage.status, _STAGE_STATUSES),
        "custom_fields": _dict(stage.custom_fields),
        "index": link.index,
    }


def _option_key(option: Json) -> str | None:
    return _str(option.get("remote_id")) or _str(option.get("name"))


def _question_format(question: ScreeningQuestion) -> Json:
    kind = question.format_type if question.format_type in QuestionFormat.values else QuestionFormat.UNKNOWN.value
    details = _dict(question.format_details)
    result: Json = {"type": kind}
    for key in QUESTION_FORMAT_DETAILS[kind]:
        value = details.get(key)
        if key == "display_type":
            value = value if value in QUESTION_DISPLAY_TYPES[kind] else None
        elif key in ("max_length", "max_file_size_bytes"):
            value = _int(value)
        elif key in ("max", "min"):
            value = _number(value)
        elif key == "accepted_mime_types":
            value = [item for item in value if isinstance(item, str)] if isinstance(value, list) else None
        result[key] = value
    if kind in SELECT_FORMATS:
        result["options"] = [
            {"id": screening_option_id(question.id, key), "name": _str(option.get("name")) or key, "remote_id": key}
            for option in _list(question.options)
            if isinstance(option, dict) and (key := _option_key(option))
        ]
    return result


def _precondition(question: ScreeningQuestion, siblings: dict[str, ScreeningQuestion]) -> tuple[str | None, Any]:
    """Our ids for the precondition: the question's id, and option ids (select) or `[true]`/`[false]`."""
    parent = siblings.get(question.precondition_question_remote_id or "")
    if parent is None:
        return None, None
    options = question.precondition_options
    if not isinstance(options, list):
        return parent.id, None
    if parent.format_type == QuestionFormat.BOOLEAN:
        return parent.id, [value for value in options if isinstance(value, bool)]
    known = {key for option in _list(parent.options) if isinstance(option, dict) and (key := _option_key(option))}
    return parent.id, [
        screening_option_id(parent.id, value) for value in options if isinstance(value, str) and value in known
    ]


def _present_question(question: ScreeningQuestion, siblings: dict[str, ScreeningQuestion]) -> Json:
    precondition_id, precondition_options = _precondition(question, siblings)
    return {
        "id": question.id,
        "remote_id": question.remote_id,
        "title": question.title,
        "description": question.description,
        "category": _closed(question.category, _QUESTION_CATEGORIES),
        "required": question.required,
        "format": _question_format(question),
        "index": question.index,
        "precondition_question_id": precondition_id,
        "precondition_options": precondition_options,
    }


def _present_hiring_team_member(member: HiringTeamMember) -> Json:
    user = member.user
    job_roles = [
        {
            "remote_id": _str(role.get("remote_id")),
            "remote_label": _str(role.get("remote_label")),
            "unified_type": _closed(role.get("unified_type"), _ROLE_TYPES),
            "scope": RoleScope.JOB.value,
        }
        for role in _list(member.job_roles)
        if isinstance(role, dict)
    ]
    legacy_roles = list(dict.fromkeys(r["unified_type"] for r in job_roles if r["unified_type"] in _HIRING_TEAM_ROLES))
    return {
        "id": user.id,
        "remote_id": user.remote_id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "hiring_team_roles": legacy_roles,
        "job_roles": job_roles,
    }


def present_job(job: Job) -> Json:
    questions = list(job.screening_questions.all())
    by_remote_id = {question.remote_id: question for question in questions if question.remote_id}
    return {
        "id": job.id,
        "remote_id": job.remote_id,
        "name": job.name,
        "job_code": job.job_code,
        "description": job.description,
        "confidential": job.confidential,
        "weekly_hours": job.weekly_hours,
        "employment_type": job.employment_type,
        "status": job.status,
        "visibility": job.visibility,
        "category": job.category,
        "department": job.department,
        "post_url": job.post_url,
        "experience_level": job.experience_level,
        "remote_work_status": job.remote_work_status,
        "salary_amount": job.salary_amount,
        "salary_amount_from": job.salary_amount_from,
        "salary_amount_to": job.salary_amount_to,
        "salary_currency": job.salary_currency,
        "salary_period": job.salary_period,
        "location": present_location(job.location),
        "opened_at": format_datetime(job.opened_at),
        "closed_at": format_datetime(job.closed_at),
        "remote_url": job.remote_url,
        "contact_id": job.contact_id,
        "remote_created_at": format_datetime(job.remote_created_at),
        "remote_updated_at": format_datetime(job.remote_updated_at),
        "changed_at": format_datetime(job.changed_at),
        "remote_deleted_at": format_datetime(job.remote_deleted_at),
        "custom_fields": _dict(job.custom_fields),
        "integration_fields": present_integration_fields(job, ReadModel.JOBS),
        "stages": [_present_job_stage(link) for link in job.job_stages.all()],
        "screening_questions": [_present_question(question, by_remote_id) for question in questions],
        "job_postings": [
            {
                "id": posting.id,
                "remote_id": posting.remote_id,
                "title": posting.title,
                "description_html": posting.description_html,
                "url": posting.url,
                "status": _closed(posting.status, _POSTING_STATUSES),
                "visibility": _closed(posting.visibility, _POSTING_VISIBILITIES),
            }
            for posting in job.job_postings.all()
        ],
        "hiring_team": [_present_hiring_team_member(member) for member in job.hiring_team.all()],
    }


# -- applications and candidates -----------------------------------------------------------------------


def _screening_answers(value: Any) -> list[Json]:
    answers = []
    for entry in _list(value):
        if not isinstance(entry, dict):
            continue
        question, answer = _dict(entry.get("question")), _dict(entry.get("answer"))
        kind = question.get("type")
        answer_key = SCREENING_ANSWER_KEYS.get(kind) if isinstance(kind, str) else None
        if answer_key is None:  # FILE or garbage: the SDK has no variant for it
            continue
        answers.append(
            {
                "question": {
                    "remote_id": _str(question.get("remote_id")),
                    "title": _str(question.get("title")) or "",
                    "type": kind,
                },
                "answer": {answer_key: answer.get(answer_key)},
            }
        )
    return answers


def present_application(application: Application) -> Json:
    candidate = application.candidate
    stage = application.current_stage
    return {
        "id": application.id,
        "remote_id": application.remote_id,
        "outcome": _closed(application.outcome, _OUTCOMES),
        "rejection_reason_name": application.rejection_reason_name,
        "rejected_at": format_datetime(application.rejected_at),
        "current_stage_id": application.current_stage_id,
        "job_id": application.job_id,
        "candidate_id": application.candidate_id,
        "custom_fields": _dict(application.custom_fields),
        "integration_fields": present_integration_fields(application, ReadModel.APPLICATIONS),
        "remote_url": application.remote_url,
        "changed_at": format_datetime(application.changed_at),
        "remote_deleted_at": format_datetime(application.remote_deleted_at),
        "remote_created_at": format_datetime(application.remote_created_at),
        "remote_updated_at": format_datetime(application.remote_updated_at),
        "candidate": None
        if candidate is None
        else {
            "id": candidate.id,
            "remote_id": candidate.remote_id,
            "first_name": candidate.first_name,
            "last_name": candidate.last_name,
            "source": candidate.source,
            "remote_url": candidate.remote_url,
            "tags": _tags(candidate),
            "email_addresses": present_email_addresses(candidate.email_addresses),
            "phone_numbers": present_phone_numbers(candidate.phone_numbers),
            "social_media": present_social_media(candidate.social_media),
        },
        "current_stage": None
        if stage is None
        else {
            "id": stage.id,
            "remote_id": stage.remote_id,
            "name": stage.name,
            "status": _closed(stage.status, _STAGE_STATUSES),
            "custom_fields": _dict(stage.custom_fields),
            "index": application.current_stage_index,  # type: ignore[attr-defined]
        },
        "job": _job_summary(application.job),
        "interviews": [
            {
                "id": interview.id,
                "remote_id": interview.remote_id,
                "title": interview.title,
                "starting_at": format_datetime(interview.starting_at),
                "ending_at": format_datetime(interview.ending_at),
                "canceled": interview.canceled,
                "location": present_location(interview.location),
            }
            for interview in application.interviews.all()
        ],
        "offers": [
            {"id": offer.id, "remote_id": offer.remote_id, "status": _closed(offer.status, _OFFER_STATUSES)}
            for offer in application.offers.all()
        ],
        "screening_question_answers": _screening_answers(application.screening_question_answers),
    }


def _present_candidate_application(application: Application) -> Json:
    stage = application.current_stage
    return {
        "id": application.id,
        "remote_id": application.remote_id,
        "outcome": _closed(application.outcome, _OUTCOMES),
        "rejection_reason_name": application.rejection_reason_name,
        "rejected_at": format_datetime(application.rejected_at),
        "remote_url": application.remote_url,
        "changed_at": format_datetime(application.changed_at),
        "remote_created_at": format_datetime(application.remote_created_at),
        "remote_updated_at": format_datetime(application.remote_updated_at),
        "current_stage": None
        if stage is None
        else {
            "id": stage.id,
            "name": stage.name,
            "remote_id": stage.remote_id,
            "index": application.current_stage_index,  # type: ignore[attr-defined]
        },
        "job": _job_summary(application.job),
    }


def present_candidate(candidate: Candidate) -> Json:
    return {
        "id": candidate.id,
        "remote_id": candidate.remote_id,
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "company": candidate.company,
        "title": candidate.title,
        "confidential": candidate.confidential,
        "source": candidate.source,
        "custom_fields": _dict(candidate.custom_fields),
        "integration_fields": present_integration_fields(candidate, ReadModel.CANDIDATES),
        "remote_url": candidate.remote_url,
        "remote_created_at": format_datetime(candidate.remote_created_at),
        "remote_updated_at": format_datetime(candidate.remote_updated_at),
        "changed_at": format_datetime(candidate.changed_at),
        "remote_deleted_at": format_datetime(candidate.remote_deleted_at),
        "applications": [_present_candidate_application(application) for application in candidate.applications.all()],
        "tags": _tags(candidate),
        "phone_numbers": present_phone_numbers(candidate.phone_numbers),
        "email_addresses": present_email_addresses(candidate.email_addresses),
        "social_media": present_social_media(candidate.social_media),
        "location": present_location(candidate.location),
    }


# -- reference data ------------------------------------------------------------------------------------


def present_tag(tag: Tag) -> Json:
    return {
        "id": tag.id,
        "remote_id": tag.remote_id,
        "name": tag.name,
        "changed_at": format_datetime(tag.changed_at),
        "remote_deleted_at": format_datetime(tag.remote_deleted_at),
    }


def present_application_stage(stage: ApplicationStage) -> Json:
    return {
        "id": stage.id,
        "remote_id": stage.remote_id,
        "name": stage.name,
        "status": _closed(stage.status, _STAGE_STATUSES),
        "custom_fields": _dict(stage.custom_fields),
        "changed_at": format_datetime(stage.changed_at),
        "remote_deleted_at": format_datetime(stage.remote_deleted_at),
    }


def present_rejection_reason(reason: RejectionReason) -> Json:
    return {
        "id": reason.id,
        "remote_id": reason.remote_id,
        "name": reason.name,
        "changed_at": format_datetime(reason.changed_at),
        "remote_deleted_at": format_datetime(reason.remote_deleted_at),
    }


def present_role(role: Role) -> Json:
    return {
        "id": role.id,
        "remote_id": role.remote_id,
        "remote_label": role.remote_label,
        "scope": _closed(role.scope, _ROLE_SCOPES),
        "unified_type": _closed(role.unified_type, _ROLE_TYPES),
        "changed_at": format_datetime(role.changed_at),
        "remote_deleted_at": format_datetime(role.remote_deleted_at),
    }


def present_user(user: AtsUser) -> Json:
    return {
        "id": user.id,
        "remote_id": user.remote_id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "status": _closed(user.status, _USER_STATUSES),
        "integration_fields": present_integration_fields(user, ReadModel.USERS),
        "changed_at": format_datetime(user.changed_at),
        "remote_deleted_at": format_datetime(user.remote_deleted_at),
        "system_roles": [
            {
                "remote_id": assignment.role.remote_id,
                "remote_label": assignment.role.remote_label,
                "unified_type": _closed(assignment.role.unified_type, _ROLE_TYPES),
                "scope": RoleScope.SYSTEM.value,
            }
            for assignment in user.role_assignments.all()
        ],
    }


# -- application activity ------------------------------------------------------------------------------


def _application_summary(application: Application | None, *, with_outcome: bool) -> Json | None:
    if application is None:
        return None
    summary: Json = {}
    if with_outcome:
        summary = {
            "id": application.id,
            "remote_id": application.remote_id,
            "outcome": _closed(application.outcome, _OUTCOMES),
            "rejection_reason_name": application.rejection_reason_name,
        }
    summary["candidate"] = _candidate_summary(application.candidate)
    summary["job"] = _job_summary(application.job)
    return summary


def present_offer(offer: Offer) -> Json:
    return {
        "id": offer.id,
        "remote_id": offer.remote_id,
        "status": _closed(offer.status, _OFFER_STATUSES),
        "employment_start_date": format_datetime(offer.employment_start_date),
        "application_id": offer.application_id,
        "custom_fields": _dict(offer.custom_fields),
        "integration_fields": present_integration_fields(offer, ReadModel.OFFERS),
        "changed_at": format_datetime(offer.changed_at),
        "remote_deleted_at": format_datetime(offer.remote_deleted_at),
        "remote_created_at": format_datetime(offer.remote_created_at),
        "remote_updated_at": format_datetime(offer.remote_updated_at),
        "application": _application_summary(offer.application, with_outcome=False),
    }


def present_interview(interview: Interview) -> Json:
    return {
        "id": interview.id,
        "remote_id": interview.remote_id,
        "title": interview.title,
        "starting_at": format_datetime(interview.starting_at),
        "ending_at": format_datetime(interview.ending_at),
        "video_conferencing_url": interview.video_conferencing_url,
        "application_id": interview.application_id,
        "stage_id": interview.stage_id,
        "canceled": interview.canceled,
        "integration_fields": present_integration_fields(interview, ReadModel.INTERVIEWS),
        "remote_created_at": format_datetime(interview.remote_created_at),
        "remote_updated_at": format_datetime(interview.remote_updated_at),
        "changed_at": format_datetime(interview.changed_at),
        "remote_deleted_at": format_datetime(interview.remote_deleted_at),
        "users": [_user_summary(link.user) for link in interview.interview_users.all()],
        "application": _application_summary(interview.application, with_outcome=True),
        "location": present_location(interview.location),
    }


def present_note(note: Note) -> Json:
    return {
        "id": note.id,
        "remote_id": note.remote_id,
        "candidate_id": note.candidate_id,
        "application_id": note.application_id,
        "author_id": note.author_id,
        "title": note.title,
        "content_html": note.content_html,
        "is_private": note.is_private,
        "integration_fields": present_integration_fields(note, ReadModel.NOTES),
        "remote_created_at": format_datetime(note.remote_created_at),
        "remote_updated_at": format_datetime(note.remote_updated_at),
        "changed_at": format_datetime(note.changed_at),
        "remote_deleted_at": format_datetime(note.remote_deleted_at),
        "author": _user_summary(note.author),
    }


def _scorecard_option(value: Any) -> Json | None:
    if not isinstance(value, dict) or _str(value.get("label")) is None:
        return None
    return {"remote_id": _str(value.get("remote_id")), "label": _str(value.get("label"))}


def _scorecard_options(value: Any) -> list[Json]:
    return [option for item in _list(value) if (option := _scorecard_option(item))]


def _scorecard_responses(value: Any) -> list[Json]:
    responses = []
    for entry in _list(value):
        if not isinstance(entry, dict) or entry.get("type") not in ScorecardResponseType.values:
            continue
        kind = entry["type"]
        response: Json = {
            "type": kind,
            "remote_id": _str(entry.get("remote_id")),
            "label": _str(entry.get("label")) or "",
            "description": _str(entry.get("description")),
            "required": _bool(entry.get("required")),
        }
        answer = entry.get("answer")
        if kind in (ScorecardResponseType.SINGLE_SELECT, ScorecardResponseType.MULTI_SELECT):
            response["options"] = [
                option for item in _list(entry.get("options")) if (option := _scorecard_option(item))
            ]
            if kind == ScorecardResponseType.SINGLE_SELECT:
                answer = _scorecard_option(answer)
            else:
                answer = (
                    [option for item in answer if (option := _scorecard_option(item))]
                    if isinstance(answer, list)
                    else None
                )
        elif kind == ScorecardResponseType.BOOLEAN:
            answer = _bool(answer)
        elif kind == ScorecardResponseType.NUMBER:
            answer = _number(answer)
        else:
            answer = _str(answer)
        response["answer"] = answer
        responses.append(response)
    return responses


def present_scorecard(scorecard: Scorecard) -> Json:
    return {
        "id": scorecard.id,
        "remote_id": scorecard.remote_id,
        "candidate_id": scorecard.candidate_id,
        "application_id": scorecard.application_id,
        "interview_id": scorecard.interview_id,
        "author_id": scorecard.author_id,
        "integration_fields": present_integration_fields(scorecard, ReadModel.SCORECARDS),
        "remote_created_at": format_datetime(scorecard.remote_created_at),
        "remote_updated_at": format_datetime(scorecard.remote_updated_at),
        "changed_at": format_datetime(scorecard.changed_at),
        "remote_deleted_at": format_datetime(scorecard.remote_deleted_at),
        "author": _user_summary(scorecard.author),
        "responses": _scorecard_responses(scorecard.responses),
    }


def present_attachment(attachment: Attachment) -> Json:
    return {
        "id": attachment.id,
        "remote_id": attachment.remote_id,
        "candidate_id": attachment.candidate_id,
        "application_id": attachment.application_id,
        "type": _closed(attachment.type, _ATTACHMENT_TYPES),
        "file_name": attachment.file_name,
        "integration_fields": present_integration_fields(attachment, ReadModel.ATTACHMENTS),
        "remote_created_at": format_datetime(attachment.remote_created_at),
        "remote_updated_at": format_datetime(attachment.remote_updated_at),
        "changed_at": format_datetime(attachment.changed_at),
        "remote_deleted_at": format_datetime(attachment.remote_deleted_at),
        # Files are not kept in an S3 bucket, so there is no reference to give (the key is optional).
        "content_ref": None,
    }
