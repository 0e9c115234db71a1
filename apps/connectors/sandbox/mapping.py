"""Pure functions: sandbox documents → DTOs. The sandbox's one "vendor quirk" is how outcome is derived."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.connectors.dtos import (
    EmailAddress,
    Location,
    PhoneNumber,
    RemoteApplication,
    RemoteApplicationStage,
    RemoteAttachment,
    RemoteCandidate,
    RemoteHiringTeamMember,
    RemoteInterview,
    RemoteJob,
    RemoteJobPosting,
    RemoteNote,
    RemoteOffer,
    RemoteRejectionReason,
    RemoteRole,
    RemoteScorecard,
    RemoteScreeningQuestion,
    RemoteStage,
    RemoteTag,
    RemoteUser,
    RoleAssignment,
    ScorecardResponse,
    ScreeningAnswer,
    ScreeningQuestionOption,
    SocialMedia,
)

Doc = dict[str, Any]

_FORMAT_DETAIL_KEYS = ("display_type", "max_length", "min", "max", "accepted_mime_types", "max_file_size_bytes")


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _location(doc: Doc | None) -> Location | None:
    if not doc:
        return None
    return Location(
        city=doc.get("city"),
        country=doc.get("country"),
        raw=doc.get("raw"),
        state=doc.get("state"),
        street_1=doc.get("street_1"),
        street_2=doc.get("street_2"),
        zip_code=doc.get("zip_code"),
    )


def _roles(entries: list[Doc]) -> tuple[RoleAssignment, ...]:
    return tuple(
        RoleAssignment(remote_id=entry["id"], remote_label=entry["label"], unified_type=entry["type"])
        for entry in entries
    )


def outcome(doc: Doc) -> str:
    """PENDING while in process; HIRED once hired; DECLINED when rejected (the sandbox's own statuses)."""
    return {"hired": "HIRED", "rejected": "DECLINED"}.get(doc["status"], "PENDING")


def user(doc: Doc) -> RemoteUser:
    return RemoteUser(
        remote_id=doc["id"],
        first_name=doc["first_name"],
        last_name=doc["last_name"],
        email=doc["email"],
        status=doc["status"],
        system_roles=_roles(doc["system_roles"]),
        remote_created_at=_dt(doc.get("created_at")),
        remote_updated_at=_dt(doc.get("updated_at")),
        remote_data=doc,
    )


def role(doc: Doc) -> RemoteRole:
    return RemoteRole(
        remote_id=doc["id"], remote_label=doc["label"], scope=doc["scope"], unified_type=doc["type"], remote_data=doc
    )


def tag(doc: Doc) -> RemoteTag:
    return RemoteTag(remote_id=doc["id"], name=doc["name"], remote_data=doc)


def rejection_reason(doc: Doc) -> RemoteRejectionReason:
    return RemoteRejectionReason(remote_id=doc["id"], name=doc["name"], remote_data=doc)


def _stage(doc: Doc) -> RemoteStage:
    return RemoteStage(remote_id=doc["id"], name=doc["name"], index=doc["index"], status=doc["status"], remote_data=doc)


def application_stages(job_doc: Doc) -> list[RemoteApplicationStage]:
    return [
        RemoteApplicationStage(remote_id=stage["id"], name=stage["name"], status=stage["status"], remote_data=stage)
        for stage in job_doc["stages"]
    ]


def _question(doc: Doc) -> RemoteScreeningQuestion:
    fmt = doc["format"]
    details = {key: fmt[key] for key in _FORMAT_DETAIL_KEYS if key in fmt}
    if fmt["type"] == "UNKNOWN" and "raw_question" in fmt:
        details["raw_question"] = fmt["raw_question"]
    options = tuple(
        ScreeningQuestionOption(remote_id=option["id"], name=option["name"]) for option in fmt.get("options", ())
    )
    precondition = doc.get("precondition_options")
    return RemoteScreeningQuestion(
        remote_id=doc["id"],
        title=doc["title"],
        description=doc.get("description"),
        format_type=fmt["type"],
        format_details=details,
        options=options,
        required=doc.get("required"),
        category=doc.get("category"),
        index=doc.get("index"),
        precondition_question_remote_id=doc.get("precondition_question_id"),
        precondition_options=tuple(precondition) if precondition is not None else None,
        remote_data=doc,
    )


def job(doc: Doc) -> RemoteJob:
    return RemoteJob(
        remote_id=doc["id"],
        name=doc["name"],
        job_code=doc["job_code"],
        description=doc["description"],
        category=doc["category"],
        department=doc["department"],
        post_url=doc["post_url"],
        experience_level=doc["experience_level"],
        confidential=doc["confidential"],
        weekly_hours=doc["weekly_hours"],
        employment_type=doc["employment_type"],
        status=doc["status"],
        visibility=doc["visibility"],
        remote_work_status=doc["remote_work_status"],
        salary_amount=doc["salary_amount"],
        salary_amount_from=doc["salary_amount_from"],
        salary_amount_to=doc["salary_amount_to"],
        salary_currency=doc["salary_currency"],
        salary_period=doc["salary_period"],
        location=_location(doc.get("location")),
        opened_at=_dt(doc["opened_at"]),
        closed_at=_dt(doc["closed_at"]),
        remote_created_at=_dt(doc["created_at"]),
        remote_updated_at=_dt(doc["updated_at"]),
        remote_url=doc["url"],
        contact_remote_id=doc.get("contact_id"),
        stages=tuple(_stage(stage) for stage in doc["stages"]),
        screening_questions=tuple(_question(question) for question in doc["screening_questions"]),
        job_postings=tuple(
            RemoteJobPosting(
                remote_id=posting["id"],
                title=posting["title"],
                description_html=posting["description_html"],
                url=posting["url"],
                status=posting["status"],
                visibility=posting["visibility"],
                remote_data=posting,
            )
            for posting in doc["postings"]
        ),
        hiring_team=tuple(
            RemoteHiringTeamMember(
                user_remote_id=member["user_id"],
                first_name=member["first_name"],
                last_name=member["last_name"],
                email=member["email"],
                job_roles=_roles(member["roles"]),
            )
            for member in doc["hiring_team"]
        ),
        custom_fields=doc.get("custom_fields") or {},
        remote_data=doc,
    )


def candidate(doc: Doc) -> RemoteCandidate:
    return RemoteCandidate(
        remote_id=doc["id"],
        first_name=doc["first_name"],
        last_name=doc["last_name"],
        company=doc.get("company"),
        title=doc.get("title"),
        source=doc.get("source"),
        confidential=doc.get("confidential"),
        email_addresses=tuple(EmailAddress(email_address=e["address"], type=e.get("type")) for e in doc["emails"]),
        phone_numbers=tuple(PhoneNumber(phone_number=p["number"], type=p.get("type")) for p in doc["phones"]),
        social_media=tuple(
            SocialMedia(link=s.get("link"), type=s.get("type"), username=s.get("username")) for s in doc["social"]
        ),
        location=_location(doc.get("location")),
        tags=tuple(RemoteTag(remote_id=t["id"], name=t["name"]) for t in doc["tags"]),
        remote_created_at=_dt(doc["created_at"]),
        remote_updated_at=_dt(doc["updated_at"]),
        remote_url=doc.get("url"),
        custom_fields=doc.get("custom_fields") or {},
        remote_data=doc,
    )


def _answer(doc: Doc) -> ScreeningAnswer:
    value = doc["value"]
    if doc["type"] == "DATE" and isinstance(value, str):
        value = _dt(value)
    return ScreeningAnswer(
        question_remote_id=doc["question_id"], question_title=doc["title"], type=doc["type"], value=value
    )


def application(doc: Doc) -> RemoteApplication:
    return RemoteApplication(
        remote_id=doc["id"],
        candidate_remote_id=doc["candidate_id"],
        job_remote_id=doc["job_id"],
        current_stage_remote_id=doc["stage_id"],
        outcome=outcome(doc),
        rejection_reason_remote_id=doc.get("rejection_reason_id"),
        rejection_reason_name=doc.get("rejection_reason_name"),
        rejected_at=_dt(doc.get("rejected_at")),
        source=doc.get("source"),
        screening_question_answers=tuple(_answer(answer) for answer in doc.get("answers", ())),
        remote_created_at=_dt(doc["created_at"]),
        remote_updated_at=_dt(doc["updated_at"]),
        remote_url=doc.get("url"),
        custom_fields=doc.get("custom_fields") or {},
        remote_data=doc,
    )


def offer(doc: Doc) -> RemoteOffer:
    return RemoteOffer(
        remote_id=doc["id"],
        application_remote_id=doc["application_id"],
        status=doc["status"],
        employment_start_date=_dt(doc.get("start_date")),
        remote_created_at=_dt(doc.get("created_at")),
        remote_updated_at=_dt(doc.get("updated_at")),
        custom_fields=doc.get("custom_fields") or {},
        remote_data=doc,
    )


def interview(doc: Doc) -> RemoteInterview:
    return RemoteInterview(
        remote_id=doc["id"],
        application_remote_id=doc["application_id"],
        stage_remote_id=doc.get("stage_id"),
        title=doc.get("title"),
        starting_at=_dt(doc.get("start")),
        ending_at=_dt(doc.get("end")),
        location=_location(doc.get("location")),
        video_conferencing_url=doc.get("video_url"),
        canceled=doc.get("canceled"),
        user_remote_ids=tuple(doc.get("user_ids", ())),
        remote_created_at=_dt(doc.get("created_at")),
        remote_updated_at=_dt(doc.get("updated_at")),
        remote_data=doc,
    )


def note(doc: Doc) -> RemoteNote:
    return RemoteNote(
        remote_id=doc["id"],
        candidate_remote_id=doc["candidate_id"],
        application_remote_id=doc.get("application_id"),
        author_remote_id=doc.get("author_id"),
        title=doc.get("title"),
        content_html=doc.get("content_html"),
        is_private=doc.get("private"),
        remote_created_at=_dt(doc.get("created_at")),
        remote_updated_at=_dt(doc.get("updated_at")),
        remote_data=doc,
    )


def _response(doc: Doc) -> ScorecardResponse:
    answer = doc.get("answer")
    if doc["type"] == "SINGLE_SELECT" and isinstance(answer, dict):
        answer = {"remote_id": answer["id"], "label": answer["label"]}
    elif doc["type"] == "MULTI_SELECT" and isinstance(answer, list):
        answer = [{"remote_id": choice["id"], "label": choice["label"]} for choice in answer]
    return ScorecardResponse(
        type=doc["type"],
        label=doc["label"],
        remote_id=doc.get("id"),
        description=doc.get("description"),
        required=doc.get("required"),
        options=tuple((option["id"], option["label"]) for option in doc.get("options", ())),
        answer=answer,
    )


def scorecard(doc: Doc) -> RemoteScorecard:
    return RemoteScorecard(
        remote_id=doc["id"],
        candidate_remote_id=doc.get("candidate_id"),
        application_remote_id=doc.get("application_id"),
        interview_remote_id=doc.get("interview_id"),
        author_remote_id=doc.get("author_id"),
        responses=tuple(_response(response) for response in doc.get("responses", ())),
        remote_created_at=_dt(doc.get("created_at")),
        remote_updated_at=_dt(doc.get("updated_at")),
        remote_data=doc,
    )


def attachment(doc: Doc) -> RemoteAttachment:
    return RemoteAttachment(
        remote_id=doc["id"],
        candidate_remote_id=doc["candidate_id"],
        application_remote_id=doc.get("application_id"),
        file_name=doc.get("file_name"),
        type=doc.get("type"),
        content_type=doc.get("content_type"),
        remote_created_at=_dt(doc.get("created_at")),
        remote_updated_at=_dt(doc.get("updated_at")),
        remote_data=doc,
    )
