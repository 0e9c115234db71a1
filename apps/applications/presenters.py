"""Rows → the contract's JSON shapes (§4), with plain functions for speed.

Selectors load each list as `values()` rows (dicts) of exactly the columns declared here next to each
presenter (`*_COLUMNS`; joined columns use Django's `relation__field` names), plus the nested lists as extra
keys (`*_rows`). Model instances would cost several times more per page.

Every required and required-nullable key is always present (null when unknown, `[]` for empty lists),
datetimes use `format_datetime`, and a closed enum only ever carries one of its values (anything else becomes
null, since the SDK would reject the whole page over it). The DRF serializers in `apps.applications.schema`
describe the same shapes for the OpenAPI document; a test keeps the two equal.
"""

from __future__ import annotations

from datetime import datetime
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
from apps.connectors.catalog import ReadModel
from apps.core.derived_ids import integration_field_id, screening_option_id
from apps.core.timeutils import format_datetime

Row = dict[str, Any]
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
_QUESTION_FORMATS = frozenset(QuestionFormat.values)
_HIRING_TEAM_ROLES = frozenset(HIRING_TEAM_ROLES)
_FIELD_TYPES = frozenset(IntegrationFieldType.values)
_SCORECARD_TYPES = frozenset(ScorecardResponseType.values)


def prefixed(prefix: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{prefix}__{column}" for column in columns)


# -- value helpers ---------------------------------------------------------------------------------------


def _when(value: datetime | str | None) -> str | None:
    """A datetime on the wire. Selectors usually have the database format it already (`WireDatetime`)."""
    if value is None or isinstance(value, str):
        return value
    return format_datetime(value)


def _closed(value: Any, allowed: frozenset[str]) -> str | None:
    return value if value in allowed else None


def _str(value: Any) -> str | None:
    """Text for a string key inside a JSON column: a number becomes text, anything else null."""
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


def present_integration_fields(row: Row, model: ReadModel) -> list[Json]:
    """`[{id, key, type, value, label}]`; ids are derived from integration, model and key (stable)."""
    fields = []
    for entry in _list(row["integration_fields"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            continue
        fields.append(
            {
                "id": integration_field_id(row["integration_id"], model.value, entry["key"]),
                "key": entry["key"],
                "type": _closed(entry.get("type"), _FIELD_TYPES) or IntegrationFieldType.DEFAULT.value,
                "value": entry.get("value"),
                "label": _str(entry.get("label")),
            }
        )
    return fields


# -- shared summaries ----------------------------------------------------------------------------------

USER_SUMMARY_COLUMNS = ("id", "remote_id", "first_name", "last_name", "email")
JOB_SUMMARY_COLUMNS = ("id", "remote_id", "name")
CANDIDATE_SUMMARY_COLUMNS = ("id", "remote_id", "first_name", "last_name", "email_addresses")
RECORD_COLUMNS = ("id", "integration_id", "remote_id", "changed_at", "remote_deleted_at")
REMOTE_TIMESTAMP_COLUMNS = ("remote_created_at", "remote_updated_at")


def _user_summary(row: Row, prefix: str) -> Json | None:
    """`{id, remote_id, first_name, last_name, email}` of the user joined as `prefix`, or null."""
    if row[f"{prefix}__id"] is None:
        return None
    return {name: row[f"{prefix}__{name}"] for name in USER_SUMMARY_COLUMNS}


def _job_summary(row: Row, prefix: str) -> Json | None:
    if row[f"{prefix}__id"] is None:
        return None
    return {name: row[f"{prefix}__{name}"] for name in JOB_SUMMARY_COLUMNS}


def _candidate_summary(row: Row, prefix: str) -> Json | None:
    """The short candidate inside offers' and interviews' `application`."""
    if row[f"{prefix}__id"] is None:
        return None
    return {
        "id": row[f"{prefix}__id"],
        "remote_id": row[f"{prefix}__remote_id"],
        "first_name": row[f"{prefix}__first_name"],
        "last_name": row[f"{prefix}__last_name"],
        "email_addresses": present_email_addresses(row[f"{prefix}__email_addresses"]),
    }


TAG_ROW_COLUMNS = ("tag__id", "tag__remote_id", "tag__name")


def _tags(rows: list[Row]) -> list[Json]:
    return [{"id": tag["tag__id"], "remote_id": tag["tag__remote_id"], "name": tag["tag__name"]} for tag in rows]


def _timestamps(row: Row) -> Json:
    return {
        "remote_created_at": _when(row["remote_created_at"]),
        "remote_updated_at": _when(row["remote_updated_at"]),
        "changed_at": _when(row["changed_at"]),
        "remote_deleted_at": _when(row["remote_deleted_at"]),
    }


# -- jobs ----------------------------------------------------------------------------------------------

JOB_COLUMNS = (
    *RECORD_COLUMNS,
    *REMOTE_TIMESTAMP_COLUMNS,
    "name",
    "job_code",
    "description",
    "confidential",
    "weekly_hours",
    "employment_type",
    "status",
    "visibility",
    "category",
    "department",
    "post_url",
    "experience_level",
    "remote_work_status",
    "salary_amount",
    "salary_amount_from",
    "salary_amount_to",
    "salary_currency",
    "salary_period",
    "location",
    "opened_at",
    "closed_at",
    "remote_url",
    "contact_id",
    "custom_fields",
    "integration_fields",
)
JOB_STAGE_ROW_COLUMNS = ("index", *prefixed("stage", ("id", "remote_id", "name", "status", "custom_fields")))
QUESTION_ROW_COLUMNS = (
    "id",
    "remote_id",
    "title",
    "description",
    "category",
    "required",
    "format_type",
    "format_details",
    "options",
    "index",
    "precondition_question_remote_id",
    "precondition_options",
)
POSTING_ROW_COLUMNS = ("id", "remote_id", "title", "description_html", "url", "status", "visibility")
HIRING_TEAM_ROW_COLUMNS = ("job_roles", *prefixed("user", USER_SUMMARY_COLUMNS))


def _job_stage(row: Row) -> Json:
    return {
        "id": row["stage__id"],
        "remote_id": row["stage__remote_id"],
        "name": row["stage__name"],
        "status": _closed(row["stage__status"], _STAGE_STATUSES),
        "custom_fields": _dict(row["stage__custom_fields"]),
        "index": row["index"],
    }


def _option_key(option: Any) -> str | None:
    if not isinstance(option, dict):
        return None
    return _str(option.get("remote_id")) or _str(option.get("name"))


def _question_format(question: Row) -> Json:
    kind = question["format_type"] if question["format_type"] in _QUESTION_FORMATS else QuestionFormat.UNKNOWN.value
    details = _dict(question["format_details"])
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
            {"id": screening_option_id(question["id"], key), "name": _str(option.get("name")) or key, "remote_id": key}
            for option in _list(question["options"])
            if (key := _option_key(option))
        ]
    return result


def _precondition(question: Row, siblings: dict[str, Row]) -> tuple[str | None, Any]:
    """Our ids for the precondition: the question's id, and option ids (select) or `[true]`/`[false]`."""
    parent = siblings.get(question["precondition_question_remote_id"] or "")
    if parent is None:
        return None, None
    options = question["precondition_options"]
    if not isinstance(options, list):
        return parent["id"], None
    if parent["format_type"] == QuestionFormat.BOOLEAN:
        return parent["id"], [value for value in options if isinstance(value, bool)]
    known = {key for option in _list(parent["options"]) if (key := _option_key(option))}
    return parent["id"], [
        screening_option_id(parent["id"], value) for value in options if isinstance(value, str) and value in known
    ]


def _question(question: Row, siblings: dict[str, Row]) -> Json:
    precondition_id, precondition_options = _precondition(question, siblings)
    return {
        "id": question["id"],
        "remote_id": question["remote_id"],
        "title": question["title"],
        "description": question["description"],
        "category": _closed(question["category"], _QUESTION_CATEGORIES),
        "required": question["required"],
        "format": _question_format(question),
        "index": question["index"],
        "precondition_question_id": precondition_id,
        "precondition_options": precondition_options,
    }


def _hiring_team_member(member: Row) -> Json:
    job_roles = [
        {
            "remote_id": _str(role.get("remote_id")),
            "remote_label": _str(role.get("remote_label")),
            "unified_type": _closed(role.get("unified_type"), _ROLE_TYPES),
            "scope": RoleScope.JOB.value,
        }
        for role in _list(member["job_roles"])
        if isinstance(role, dict)
    ]
    legacy = list(
        dict.fromkeys(role["unified_type"] for role in job_roles if role["unified_type"] in _HIRING_TEAM_ROLES)
    )
    return {**_user_summary(member, "user"), "hiring_team_roles": legacy, "job_roles": job_roles}  # type: ignore[dict-item]


def present_job(job: Row) -> Json:
    questions: list[Row] = job["question_rows"]
    siblings = {question["remote_id"]: question for question in questions if question["remote_id"]}
    return {
        "id": job["id"],
        "remote_id": job["remote_id"],
        "name": job["name"],
        "job_code": job["job_code"],
        "description": job["description"],
        "confidential": job["confidential"],
        "weekly_hours": job["weekly_hours"],
        "employment_type": job["employment_type"],
        "status": job["status"],
        "visibility": job["visibility"],
        "category": job["category"],
        "department": job["department"],
        "post_url": job["post_url"],
        "experience_level": job["experience_level"],
        "remote_work_status": job["remote_work_status"],
        "salary_amount": job["salary_amount"],
        "salary_amount_from": job["salary_amount_from"],
        "salary_amount_to": job["salary_amount_to"],
        "salary_currency": job["salary_currency"],
        "salary_period": job["salary_period"],
        "location": present_location(job["location"]),
        "opened_at": _when(job["opened_at"]),
        "closed_at": _when(job["closed_at"]),
        "remote_url": job["remote_url"],
        "contact_id": job["contact_id"],
        **_timestamps(job),
        "custom_fields": _dict(job["custom_fields"]),
        "integration_fields": present_integration_fields(job, ReadModel.JOBS),
        "stages": [_job_stage(row) for row in job["stage_rows"]],
        "screening_questions": [_question(question, siblings) for question in questions],
        "job_postings": [
            {
                "id": posting["id"],
                "remote_id": posting["remote_id"],
                "title": posting["title"],
                "description_html": posting["description_html"],
                "url": posting["url"],
                "status": _closed(posting["status"], _POSTING_STATUSES),
                "visibility": _closed(posting["visibility"], _POSTING_VISIBILITIES),
            }
            for posting in job["posting_rows"]
        ],
        "hiring_team": [_hiring_team_member(member) for member in job["hiring_team_rows"]],
    }


# -- applications and candidates -----------------------------------------------------------------------

APPLICATION_COLUMNS = (
    *RECORD_COLUMNS,
    *REMOTE_TIMESTAMP_COLUMNS,
    "outcome",
    "rejection_reason_name",
    "rejected_at",
    "current_stage_id",
    "job_id",
    "candidate_id",
    "custom_fields",
    "integration_fields",
    "remote_url",
    "screening_question_answers",
    *prefixed(
        "candidate",
        ("id", "remote_id", "first_name", "last_name", "source", "remote_url", "email_addresses", "phone_numbers"),
    ),
    "candidate__social_media",
    *prefixed("job", JOB_SUMMARY_COLUMNS),
    *prefixed("current_stage", ("id", "remote_id", "name", "status", "custom_fields")),
    "current_stage_index",  # annotation: the stage's position on the application's job
)
INTERVIEW_ROW_COLUMNS = ("id", "remote_id", "title", "starting_at", "ending_at", "canceled", "location")
OFFER_ROW_COLUMNS = ("id", "remote_id", "status")


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


def present_application(application: Row) -> Json:
    return {
        "id": application["id"],
        "remote_id": application["remote_id"],
        "outcome": _closed(application["outcome"], _OUTCOMES),
        "rejection_reason_name": application["rejection_reason_name"],
        "rejected_at": _when(application["rejected_at"]),
        "current_stage_id": application["current_stage_id"],
        "job_id": application["job_id"],
        "candidate_id": application["candidate_id"],
        "custom_fields": _dict(application["custom_fields"]),
        "integration_fields": present_integration_fields(application, ReadModel.APPLICATIONS),
        "remote_url": application["remote_url"],
        **_timestamps(application),
        "candidate": None
        if application["candidate__id"] is None
        else {
            "id": application["candidate__id"],
            "remote_id": application["candidate__remote_id"],
            "first_name": application["candidate__first_name"],
            "last_name": application["candidate__last_name"],
            "source": application["candidate__source"],
            "remote_url": application["candidate__remote_url"],
            "tags": _tags(application["tag_rows"]),
            "email_addresses": present_email_addresses(application["candidate__email_addresses"]),
            "phone_numbers": present_phone_numbers(application["candidate__phone_numbers"]),
            "social_media": present_social_media(application["candidate__social_media"]),
        },
        "current_stage": None
        if application["current_stage__id"] is None
        else {
            "id": application["current_stage__id"],
            "remote_id": application["current_stage__remote_id"],
            "name": application["current_stage__name"],
            "status": _closed(application["current_stage__status"], _STAGE_STATUSES),
            "custom_fields": _dict(application["current_stage__custom_fields"]),
            "index": application["current_stage_index"],
        },
        "job": _job_summary(application, "job"),
        "interviews": [
            {
                "id": interview["id"],
                "remote_id": interview["remote_id"],
                "title": interview["title"],
                "starting_at": _when(interview["starting_at"]),
                "ending_at": _when(interview["ending_at"]),
                "canceled": interview["canceled"],
                "location": present_location(interview["location"]),
            }
            for interview in application["interview_rows"]
        ],
        "offers": [
            {"id": offer["id"], "remote_id": offer["remote_id"], "status": _closed(offer["status"], _OFFER_STATUSES)}
            for offer in application["offer_rows"]
        ],
        "screening_question_answers": _screening_answers(application["screening_question_answers"]),
    }


CANDIDATE_COLUMNS = (
    *RECORD_COLUMNS,
    *REMOTE_TIMESTAMP_COLUMNS,
    "first_name",
    "last_name",
    "company",
    "title",
    "confidential",
    "source",
    "custom_fields",
    "integration_fields",
    "remote_url",
    "email_addresses",
    "phone_numbers",
    "social_media",
    "location",
)
CANDIDATE_APPLICATION_ROW_COLUMNS = (
    "id",
    "remote_id",
    "outcome",
    "rejection_reason_name",
    "rejected_at",
    "remote_url",
    "changed_at",
    "remote_created_at",
    "remote_updated_at",
    *prefixed("job", JOB_SUMMARY_COLUMNS),
    *prefixed("current_stage", ("id", "remote_id", "name")),
    "current_stage_index",
)


def _candidate_application(row: Row) -> Json:
    return {
        "id": row["id"],
        "remote_id": row["remote_id"],
        "outcome": _closed(row["outcome"], _OUTCOMES),
        "rejection_reason_name": row["rejection_reason_name"],
        "rejected_at": _when(row["rejected_at"]),
        "remote_url": row["remote_url"],
        "changed_at": _when(row["changed_at"]),
        "remote_created_at": _when(row["remote_created_at"]),
        "remote_updated_at": _when(row["remote_updated_at"]),
        "current_stage": None
        if row["current_stage__id"] is None
        else {
            "id": row["current_stage__id"],
            "name": row["current_stage__name"],
            "remote_id": row["current_stage__remote_id"],
            "index": row["current_stage_index"],
        },
        "job": _job_summary(row, "job"),
    }


def present_candidate(candidate: Row) -> Json:
    return {
        "id": candidate["id"],
        "remote_id": candidate["remote_id"],
        "first_name": candidate["first_name"],
        "last_name": candidate["last_name"],
        "company": candidate["company"],
        "title": candidate["title"],
        "confidential": candidate["confidential"],
        "source": candidate["source"],
        "custom_fields": _dict(candidate["custom_fields"]),
        "integration_fields": present_integration_fields(candidate, ReadModel.CANDIDATES),
        "remote_url": candidate["remote_url"],
        **_timestamps(candidate),
        "applications": [_candidate_application(row) for row in candidate["application_rows"]],
        "tags": _tags(candidate["tag_rows"]),
        "phone_numbers": present_phone_numbers(candidate["phone_numbers"]),
        "email_addresses": present_email_addresses(candidate["email_addresses"]),
        "social_media": present_social_media(candidate["social_media"]),
        "location": present_location(candidate["location"]),
    }


# -- reference data ------------------------------------------------------------------------------------

TAG_COLUMNS = (*RECORD_COLUMNS, "name")


def present_tag(tag: Row) -> Json:
    return {
        "id": tag["id"],
        "remote_id": tag["remote_id"],
        "name": tag["name"],
        "changed_at": _when(tag["changed_at"]),
        "remote_deleted_at": _when(tag["remote_deleted_at"]),
    }


APPLICATION_STAGE_COLUMNS = (*RECORD_COLUMNS, "name", "status", "custom_fields")


def present_application_stage(stage: Row) -> Json:
    return {
        "id": stage["id"],
        "remote_id": stage["remote_id"],
        "name": stage["name"],
        "status": _closed(stage["status"], _STAGE_STATUSES),
        "custom_fields": _dict(stage["custom_fields"]),
        "changed_at": _when(stage["changed_at"]),
        "remote_deleted_at": _when(stage["remote_deleted_at"]),
    }


REJECTION_REASON_COLUMNS = (*RECORD_COLUMNS, "name")


def present_rejection_reason(reason: Row) -> Json:
    return {
        "id": reason["id"],
        "remote_id": reason["remote_id"],
        "name": reason["name"],
        "changed_at": _when(reason["changed_at"]),
        "remote_deleted_at": _when(reason["remote_deleted_at"]),
    }


ROLE_COLUMNS = (*RECORD_COLUMNS, "remote_label", "scope", "unified_type")


def present_role(role: Row) -> Json:
    return {
        "id": role["id"],
        "remote_id": role["remote_id"],
        "remote_label": role["remote_label"],
        "scope": _closed(role["scope"], _ROLE_SCOPES),
        "unified_type": _closed(role["unified_type"], _ROLE_TYPES),
        "changed_at": _when(role["changed_at"]),
        "remote_deleted_at": _when(role["remote_deleted_at"]),
    }


USER_COLUMNS = (*RECORD_COLUMNS, "first_name", "last_name", "email", "status", "integration_fields")
USER_ROLE_ROW_COLUMNS = prefixed("role", ("remote_id", "remote_label", "unified_type"))


def present_user(user: Row) -> Json:
    return {
        "id": user["id"],
        "remote_id": user["remote_id"],
        "first_name": user["first_name"],
        "last_name": user["last_name"],
        "email": user["email"],
        "status": _closed(user["status"], _USER_STATUSES),
        "integration_fields": present_integration_fields(user, ReadModel.USERS),
        "changed_at": _when(user["changed_at"]),
        "remote_deleted_at": _when(user["remote_deleted_at"]),
        "system_roles": [
            {
                "remote_id": role["role__remote_id"],
                "remote_label": role["role__remote_label"],
                "unified_type": _closed(role["role__unified_type"], _ROLE_TYPES),
                "scope": RoleScope.SYSTEM.value,
            }
            for role in user["role_rows"]
        ],
    }


# -- application activity ------------------------------------------------------------------------------

_APPLICATION_SUMMARY_COLUMNS = (
    *prefixed("application", ("id", "remote_id", "outcome", "rejection_reason_name")),
    *prefixed("application__candidate", CANDIDATE_SUMMARY_COLUMNS),
    *prefixed("application__job", JOB_SUMMARY_COLUMNS),
)

OFFER_COLUMNS = (
    *RECORD_COLUMNS,
    *REMOTE_TIMESTAMP_COLUMNS,
    "status",
    "employment_start_date",
    "application_id",
    "custom_fields",
    "integration_fields",
    *_APPLICATION_SUMMARY_COLUMNS,
)


def present_offer(offer: Row) -> Json:
    return {
        "id": offer["id"],
        "remote_id": offer["remote_id"],
        "status": _closed(offer["status"], _OFFER_STATUSES),
        "employment_start_date": _when(offer["employment_start_date"]),
        "application_id": offer["application_id"],
        "custom_fields": _dict(offer["custom_fields"]),
        "integration_fields": present_integration_fields(offer, ReadModel.OFFERS),
        **_timestamps(offer),
        "application": None
        if offer["application__id"] is None
        else {
            "candidate": _candidate_summary(offer, "application__candidate"),
            "job": _job_summary(offer, "application__job"),
        },
    }


INTERVIEW_COLUMNS = (
    *RECORD_COLUMNS,
    *REMOTE_TIMESTAMP_COLUMNS,
    "title",
    "starting_at",
    "ending_at",
    "video_conferencing_url",
    "application_id",
    "stage_id",
    "canceled",
    "location",
    "integration_fields",
    *_APPLICATION_SUMMARY_COLUMNS,
)
INTERVIEW_USER_ROW_COLUMNS = prefixed("user", USER_SUMMARY_COLUMNS)


def present_interview(interview: Row) -> Json:
    return {
        "id": interview["id"],
        "remote_id": interview["remote_id"],
        "title": interview["title"],
        "starting_at": _when(interview["starting_at"]),
        "ending_at": _when(interview["ending_at"]),
        "video_conferencing_url": interview["video_conferencing_url"],
        "application_id": interview["application_id"],
        "stage_id": interview["stage_id"],
        "canceled": interview["canceled"],
        "integration_fields": present_integration_fields(interview, ReadModel.INTERVIEWS),
        **_timestamps(interview),
        "users": [_user_summary(row, "user") for row in interview["user_rows"]],
        "application": None
        if interview["application__id"] is None
        else {
            "id": interview["application__id"],
            "remote_id": interview["application__remote_id"],
            "outcome": _closed(interview["application__outcome"], _OUTCOMES),
            "rejection_reason_name": interview["application__rejection_reason_name"],
            "candidate": _candidate_summary(interview, "application__candidate"),
            "job": _job_summary(interview, "application__job"),
        },
        "location": present_location(interview["location"]),
    }


NOTE_COLUMNS = (
    *RECORD_COLUMNS,
    *REMOTE_TIMESTAMP_COLUMNS,
    "candidate_id",
    "application_id",
    "author_id",
    "title",
    "content_html",
    "is_private",
    "integration_fields",
    *prefixed("author", USER_SUMMARY_COLUMNS),
)


def present_note(note: Row) -> Json:
    return {
        "id": note["id"],
        "remote_id": note["remote_id"],
        "candidate_id": note["candidate_id"],
        "application_id": note["application_id"],
        "author_id": note["author_id"],
        "title": note["title"],
        "content_html": note["content_html"],
        "is_private": note["is_private"],
        "integration_fields": present_integration_fields(note, ReadModel.NOTES),
        **_timestamps(note),
        "author": _user_summary(note, "author"),
    }


SCORECARD_COLUMNS = (
    *RECORD_COLUMNS,
    *REMOTE_TIMESTAMP_COLUMNS,
    "candidate_id",
    "application_id",
    "interview_id",
    "author_id",
    "responses",
    "integration_fields",
    *prefixed("author", USER_SUMMARY_COLUMNS),
)


def _scorecard_option(value: Any) -> Json | None:
    if not isinstance(value, dict) or _str(value.get("label")) is None:
        return None
    return {"remote_id": _str(value.get("remote_id")), "label": _str(value.get("label"))}


def _scorecard_options(value: Any) -> list[Json]:
    return [option for item in _list(value) if (option := _scorecard_option(item))]


def _scorecard_responses(value: Any) -> list[Json]:
    responses = []
    for entry in _list(value):
        if not isinstance(entry, dict) or entry.get("type") not in _SCORECARD_TYPES:
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
            response["options"] = _scorecard_options(entry.get("options"))
            if kind == ScorecardResponseType.SINGLE_SELECT:
                answer = _scorecard_option(answer)
            else:
                answer = _scorecard_options(answer) if isinstance(answer, list) else None
        elif kind == ScorecardResponseType.BOOLEAN:
            answer = _bool(answer)
        elif kind == ScorecardResponseType.NUMBER:
            answer = _number(answer)
        else:
            answer = _str(answer)
        response["answer"] = answer
        responses.append(response)
    return responses


def present_scorecard(scorecard: Row) -> Json:
    return {
        "id": scorecard["id"],
        "remote_id": scorecard["remote_id"],
        "candidate_id": scorecard["candidate_id"],
        "application_id": scorecard["application_id"],
        "interview_id": scorecard["interview_id"],
        "author_id": scorecard["author_id"],
        "integration_fields": present_integration_fields(scorecard, ReadModel.SCORECARDS),
        **_timestamps(scorecard),
        "author": _user_summary(scorecard, "author"),
        "responses": _scorecard_responses(scorecard["responses"]),
    }


ATTACHMENT_COLUMNS = (
    *RECORD_COLUMNS,
    *REMOTE_TIMESTAMP_COLUMNS,
    "candidate_id",
    "application_id",
    "type",
    "file_name",
    "integration_fields",
)


def present_attachment(attachment: Row) -> Json:
    return {
        "id": attachment["id"],
        "remote_id": attachment["remote_id"],
        "candidate_id": attachment["candidate_id"],
        "application_id": attachment["application_id"],
        "type": _closed(attachment["type"], _ATTACHMENT_TYPES),
        "file_name": attachment["file_name"],
        "integration_fields": present_integration_fields(attachment, ReadModel.ATTACHMENTS),
        **_timestamps(attachment),
        # Files are not kept in an S3 bucket, so there is no reference to give (the key is optional).
        "content_ref": None,
    }
