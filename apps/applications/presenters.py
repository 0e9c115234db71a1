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

from typing import Any

from apps.applications.enums import (
    QUESTION_DISPLAY_TYPES,
    QUESTION_FORMAT_DETAILS,
    SCREENING_ANSWER_KEYS,
    SELECT_FORMATS,
    QuestionFormat,
    RoleScope,
)
from apps.applications.presenter_values import (
    HIRING_TEAM_ROLE_SET,
    JOB_SUMMARY_COLUMNS,
    OFFER_STATUSES,
    OUTCOMES,
    POSTING_STATUSES,
    POSTING_VISIBILITIES,
    QUESTION_CATEGORIES,
    QUESTION_FORMATS,
    RECORD_COLUMNS,
    REMOTE_TIMESTAMP_COLUMNS,
    ROLE_TYPES,
    STAGE_STATUSES,
    USER_SUMMARY_COLUMNS,
    Json,
    Row,
    as_dict,
    as_int,
    as_list,
    as_number,
    as_str,
    closed,
    job_summary,
    prefixed,
    present_email_addresses,
    present_integration_fields,
    present_location,
    present_phone_numbers,
    present_social_media,
    present_tags,
    timestamps,
    user_summary,
    when,
)
from apps.connectors.catalog import ReadModel
from apps.core.derived_ids import screening_option_id

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
        "status": closed(row["stage__status"], STAGE_STATUSES),
        "custom_fields": as_dict(row["stage__custom_fields"]),
        "index": row["index"],
    }


def _option_key(option: Any) -> str | None:
    if not isinstance(option, dict):
        return None
    return as_str(option.get("remote_id")) or as_str(option.get("name"))


def _question_format(question: Row) -> Json:
    kind = question["format_type"] if question["format_type"] in QUESTION_FORMATS else QuestionFormat.UNKNOWN.value
    details = as_dict(question["format_details"])
    result: Json = {"type": kind}
    for key in QUESTION_FORMAT_DETAILS[kind]:
        value = details.get(key)
        if key == "display_type":
            value = value if value in QUESTION_DISPLAY_TYPES[kind] else None
        elif key in ("max_length", "max_file_size_bytes"):
            value = as_int(value)
        elif key in ("max", "min"):
            value = as_number(value)
        elif key == "accepted_mime_types":
            value = [item for item in value if isinstance(item, str)] if isinstance(value, list) else None
        result[key] = value
    if kind in SELECT_FORMATS:
        result["options"] = [
            {
                "id": screening_option_id(question["id"], key),
                "name": as_str(option.get("name")) or key,
                "remote_id": key,
            }
            for option in as_list(question["options"])
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
    known = {key for option in as_list(parent["options"]) if (key := _option_key(option))}
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
        "category": closed(question["category"], QUESTION_CATEGORIES),
        "required": question["required"],
        "format": _question_format(question),
        "index": question["index"],
        "precondition_question_id": precondition_id,
        "precondition_options": precondition_options,
    }


def _hiring_team_member(member: Row) -> Json:
    job_roles = [
        {
            "remote_id": as_str(role.get("remote_id")),
            "remote_label": as_str(role.get("remote_label")),
            "unified_type": closed(role.get("unified_type"), ROLE_TYPES),
            "scope": RoleScope.JOB.value,
        }
        for role in as_list(member["job_roles"])
        if isinstance(role, dict)
    ]
    legacy = list(
        dict.fromkeys(role["unified_type"] for role in job_roles if role["unified_type"] in HIRING_TEAM_ROLE_SET)
    )
    return {**user_summary(member, "user"), "hiring_team_roles": legacy, "job_roles": job_roles}  # type: ignore[dict-item]


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
        "opened_at": when(job["opened_at"]),
        "closed_at": when(job["closed_at"]),
        "remote_url": job["remote_url"],
        "contact_id": job["contact_id"],
        **timestamps(job),
        "custom_fields": as_dict(job["custom_fields"]),
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
                "status": closed(posting["status"], POSTING_STATUSES),
                "visibility": closed(posting["visibility"], POSTING_VISIBILITIES),
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
    for entry in as_list(value):
        if not isinstance(entry, dict):
            continue
        question, answer = as_dict(entry.get("question")), as_dict(entry.get("answer"))
        kind = question.get("type")
        answer_key = SCREENING_ANSWER_KEYS.get(kind) if isinstance(kind, str) else None
        if answer_key is None:  # FILE or garbage: the SDK has no variant for it
            continue
        answers.append(
            {
                "question": {
                    "remote_id": as_str(question.get("remote_id")),
                    "title": as_str(question.get("title")) or "",
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
        "outcome": closed(application["outcome"], OUTCOMES),
        "rejection_reason_name": application["rejection_reason_name"],
        "rejected_at": when(application["rejected_at"]),
        "current_stage_id": application["current_stage_id"],
        "job_id": application["job_id"],
        "candidate_id": application["candidate_id"],
        "custom_fields": as_dict(application["custom_fields"]),
        "integration_fields": present_integration_fields(application, ReadModel.APPLICATIONS),
        "remote_url": application["remote_url"],
        # timestamps(application), written out: this is the hottest presenter (pages of up to 250)
        "remote_created_at": when(application["remote_created_at"]),
        "remote_updated_at": when(application["remote_updated_at"]),
        "changed_at": when(application["changed_at"]),
        "remote_deleted_at": when(application["remote_deleted_at"]),
        "candidate": None
        if application["candidate__id"] is None
        else {
            "id": application["candidate__id"],
            "remote_id": application["candidate__remote_id"],
            "first_name": application["candidate__first_name"],
            "last_name": application["candidate__last_name"],
            "source": application["candidate__source"],
            "remote_url": application["candidate__remote_url"],
            "tags": present_tags(application["tag_rows"]),
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
            "status": closed(application["current_stage__status"], STAGE_STATUSES),
            "custom_fields": as_dict(application["current_stage__custom_fields"]),
            "index": application["current_stage_index"],
        },
        "job": None
        if application["job__id"] is None
        else {
            "id": application["job__id"],
            "remote_id": application["job__remote_id"],
            "name": application["job__name"],
        },
        "interviews": [
            {
                "id": interview["id"],
                "remote_id": interview["remote_id"],
                "title": interview["title"],
                "starting_at": when(interview["starting_at"]),
                "ending_at": when(interview["ending_at"]),
                "canceled": interview["canceled"],
                "location": present_location(interview["location"]),
            }
            for interview in application["interview_rows"]
        ],
        "offers": [
            {"id": offer["id"], "remote_id": offer["remote_id"], "status": closed(offer["status"], OFFER_STATUSES)}
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
        "outcome": closed(row["outcome"], OUTCOMES),
        "rejection_reason_name": row["rejection_reason_name"],
        "rejected_at": when(row["rejected_at"]),
        "remote_url": row["remote_url"],
        "changed_at": when(row["changed_at"]),
        "remote_created_at": when(row["remote_created_at"]),
        "remote_updated_at": when(row["remote_updated_at"]),
        "current_stage": None
        if row["current_stage__id"] is None
        else {
            "id": row["current_stage__id"],
            "name": row["current_stage__name"],
            "remote_id": row["current_stage__remote_id"],
            "index": row["current_stage_index"],
        },
        "job": job_summary(row, "job"),
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
        "custom_fields": as_dict(candidate["custom_fields"]),
        "integration_fields": present_integration_fields(candidate, ReadModel.CANDIDATES),
        "remote_url": candidate["remote_url"],
        **timestamps(candidate),
        "applications": [_candidate_application(row) for row in candidate["application_rows"]],
        "tags": present_tags(candidate["tag_rows"]),
        "phone_numbers": present_phone_numbers(candidate["phone_numbers"]),
        "email_addresses": present_email_addresses(candidate["email_addresses"]),
        "social_media": present_social_media(candidate["social_media"]),
        "location": present_location(candidate["location"]),
    }
