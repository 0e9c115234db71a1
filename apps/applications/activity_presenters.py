"""Presenters of the application activity lists: offers, interviews, notes, scorecards, attachments."""

from __future__ import annotations

from typing import Any

from apps.applications.enums import (
    ScorecardResponseType,
)
from apps.applications.presenter_values import (
    ATTACHMENT_TYPES,
    CANDIDATE_SUMMARY_COLUMNS,
    JOB_SUMMARY_COLUMNS,
    OFFER_STATUSES,
    OUTCOMES,
    RECORD_COLUMNS,
    REMOTE_TIMESTAMP_COLUMNS,
    SCORECARD_TYPES,
    USER_SUMMARY_COLUMNS,
    Json,
    Row,
    as_bool,
    as_dict,
    as_list,
    as_number,
    as_str,
    candidate_summary,
    closed,
    job_summary,
    prefixed,
    present_integration_fields,
    present_location,
    timestamps,
    user_summary,
    when,
)
from apps.connectors.catalog import ReadModel

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
        "status": closed(offer["status"], OFFER_STATUSES),
        "employment_start_date": when(offer["employment_start_date"]),
        "application_id": offer["application_id"],
        "custom_fields": as_dict(offer["custom_fields"]),
        "integration_fields": present_integration_fields(offer, ReadModel.OFFERS),
        **timestamps(offer),
        "application": None
        if offer["application__id"] is None
        else {
            "candidate": candidate_summary(offer, "application__candidate"),
            "job": job_summary(offer, "application__job"),
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
        "starting_at": when(interview["starting_at"]),
        "ending_at": when(interview["ending_at"]),
        "video_conferencing_url": interview["video_conferencing_url"],
        "application_id": interview["application_id"],
        "stage_id": interview["stage_id"],
        "canceled": interview["canceled"],
        "integration_fields": present_integration_fields(interview, ReadModel.INTERVIEWS),
        **timestamps(interview),
        "users": [user_summary(row, "user") for row in interview["user_rows"]],
        "application": None
        if interview["application__id"] is None
        else {
            "id": interview["application__id"],
            "remote_id": interview["application__remote_id"],
            "outcome": closed(interview["application__outcome"], OUTCOMES),
            "rejection_reason_name": interview["application__rejection_reason_name"],
            "candidate": candidate_summary(interview, "application__candidate"),
            "job": job_summary(interview, "application__job"),
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
        **timestamps(note),
        "author": user_summary(note, "author"),
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
    if not isinstance(value, dict) or as_str(value.get("label")) is None:
        return None
    return {"remote_id": as_str(value.get("remote_id")), "label": as_str(value.get("label"))}


def _scorecard_options(value: Any) -> list[Json]:
    return [option for item in as_list(value) if (option := _scorecard_option(item))]


def _scorecard_responses(value: Any) -> list[Json]:
    responses = []
    for entry in as_list(value):
        if not isinstance(entry, dict) or entry.get("type") not in SCORECARD_TYPES:
            continue
        kind = entry["type"]
        response: Json = {
            "type": kind,
            "remote_id": as_str(entry.get("remote_id")),
            "label": as_str(entry.get("label")) or "",
            "description": as_str(entry.get("description")),
            "required": as_bool(entry.get("required")),
        }
        answer = entry.get("answer")
        if kind in (ScorecardResponseType.SINGLE_SELECT, ScorecardResponseType.MULTI_SELECT):
            response["options"] = _scorecard_options(entry.get("options"))
            if kind == ScorecardResponseType.SINGLE_SELECT:
                answer = _scorecard_option(answer)
            else:
                answer = _scorecard_options(answer) if isinstance(answer, list) else None
        elif kind == ScorecardResponseType.BOOLEAN:
            answer = as_bool(answer)
        elif kind == ScorecardResponseType.NUMBER:
            answer = as_number(answer)
        else:
            answer = as_str(answer)
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
        **timestamps(scorecard),
        "author": user_summary(scorecard, "author"),
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
        "type": closed(attachment["type"], ATTACHMENT_TYPES),
        "file_name": attachment["file_name"],
        "integration_fields": present_integration_fields(attachment, ReadModel.ATTACHMENTS),
        **timestamps(attachment),
        # Files are not kept in an S3 bucket, so there is no reference to give (the key is optional).
        "content_ref": None,
    }
