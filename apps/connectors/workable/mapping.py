"""Workable raw JSON → DTOs, pure (reference ats-workable-ashby.md A5/A6)."""

from __future__ import annotations

from typing import Any

from apps.connectors.dtos import (
    EmailAddress,
    Location,
    PhoneNumber,
    RemoteApplication,
    RemoteApplicationStage,
    RemoteAttachment,
    RemoteCandidate,
    RemoteInterview,
    RemoteJob,
    RemoteNote,
    RemoteOffer,
    RemoteRejectionReason,
    RemoteRole,
    RemoteScreeningQuestion,
    RemoteStage,
    RemoteTag,
    RemoteUser,
    RoleAssignment,
    ScreeningAnswer,
    ScreeningQuestionOption,
)
from apps.core.timeutils import parse_datetime as _parse

Raw = dict[str, Any]


def parse_datetime(value: Any) -> Any:
    """ISO-8601 or None (Workable sends `null` for empty values, reference A1)."""
    return _parse(value) if isinstance(value, str) and value else None


# Question `type` → the contract's format (reference A5: free_text, short_text, multiple_choice, boolean, dropdown,
# numeric, date, file); `multiple_choice` with `single_answer` is a single select.
QUESTION_FORMATS = {
    "free_text": "TEXT",
    "short_text": "TEXT",
    "boolean": "BOOLEAN",
    "dropdown": "SINGLE_SELECT",
    "numeric": "NUMBER",
    "date": "DATE",
    "file": "FILE",
}
JOB_STATUS = {"published": "OPEN", "closed": "CLOSED", "draft": "DRAFT", "archived": "ARCHIVED"}


def outcome(raw: Raw) -> str:
    """A6: disqualified → DECLINED (wins over hired, inference), hired stage kind → HIRED, else PENDING."""
    if raw.get("disqualified"):
        return "DECLINED"
    return "HIRED" if raw.get("stage_kind") == "hired" else "PENDING"


def source(raw: Raw) -> str | None:
    """The free-text source is `domain`; `common_source` is Workable's fallback label (reference A4)."""
    return raw.get("domain") or None


def question(raw: Raw, index: int) -> RemoteScreeningQuestion:
    kind = raw.get("type")
    fmt = QUESTION_FORMATS.get(str(kind), "UNKNOWN")
    if kind == "multiple_choice":
        fmt = "SINGLE_SELECT" if raw.get("single_answer") else "MULTI_SELECT"
    details: Raw = {}
    if kind == "file":
        details = {k: raw[k] for k in ("supported_file_types", "max_file_size") if k in raw}
    return RemoteScreeningQuestion(
        remote_id=str(raw["id"]),
        title=raw.get("body"),
        format_type=fmt,
        format_details=details,
        options=tuple(
            ScreeningQuestionOption(remote_id=str(c["id"]), name=c["body"]) for c in raw.get("choices") or ()
        ),
        required=bool(raw.get("required")),
        index=index,
        remote_data=raw,
    )


def stage(raw: Raw) -> RemoteStage:
    # Writes take the slug (`target_stage`), so the slug is the stage's id.
    return RemoteStage(remote_id=str(raw["slug"]), name=raw.get("name"), index=raw.get("position"), remote_data=raw)


def application_stage(raw: Raw) -> RemoteApplicationStage:
    """`GET /stages`: the account's stages, by slug like a job's (writes take the slug)."""
    return RemoteApplicationStage(remote_id=str(raw["slug"]), name=raw.get("name"), remote_data=raw)


def job(raw: Raw, stages: list[Raw], questions: list[Raw]) -> RemoteJob:
    location = raw.get("location") or {}
    salary = raw.get("salary") or {}
    return RemoteJob(
        remote_id=str(raw["shortcode"]),
        name=raw.get("title"),
        job_code=raw.get("code"),
        department=raw.get("department"),
        post_url=raw.get("shortlink") or raw.get("url"),
        confidential=raw.get("confidential"),
        status=JOB_STATUS.get(str(raw.get("state")), str(raw.get("state")).upper()),
        remote_work_status={"remote": "REMOTE", "hybrid": "HYBRID", "on_site": "ON_SITE"}.get(
            raw.get("workplace_type") or ""
        ),
        salary_amount_from=salary.get("salary_from"),
        salary_amount_to=salary.get("salary_to"),
        salary_currency=(salary.get("salary_currency") or "").upper() or None,
        location=Location(
            city=location.get("city"),
            country=location.get("country_code"),
            raw=location.get("location_str"),
            zip_code=location.get("zip_code"),
        )
        if location
        else None,  # fmt: skip
        remote_created_at=parse_datetime(raw.get("created_at")),
        remote_updated_at=parse_datetime(raw.get("updated_at")),
        remote_url=raw.get("url"),
        stages=tuple(stage(s) for s in stages),
        screening_questions=tuple(question(q, index) for index, q in enumerate(questions)),
        remote_data=raw,
    )


def candidate(raw: Raw) -> RemoteCandidate:
    return RemoteCandidate(
        remote_id=str(raw["id"]),
        first_name=raw.get("firstname"),
        last_name=raw.get("lastname"),
        title=raw.get("headline"),
        source=source(raw),
        email_addresses=(EmailAddress(email_address=raw["email"], type="PERSONAL"),) if raw.get("email") else (),
        phone_numbers=(PhoneNumber(phone_number=raw["phone"], type="PERSONAL"),) if raw.get("phone") else (),
        tags=tuple(RemoteTag(remote_id=t, name=t) for t in raw.get("tags") or ()),
        remote_created_at=parse_datetime(raw.get("created_at")),
        remote_updated_at=parse_datetime(raw.get("updated_at")),
        remote_url=raw.get("profile_url"),
        remote_data=raw,
    )


def _answer(raw: Raw) -> ScreeningAnswer:
    title = str((raw.get("question") or {}).get("body") or "")
    value = raw.get("answer") or {}
    if "choices" in value:
        return ScreeningAnswer(None, title, "MULTI_SELECT", [c.get("body") for c in value["choices"]])
    if "checked" in value:
        return ScreeningAnswer(None, title, "BOOLEAN", bool(value["checked"]))
    if "value" in value:
        return ScreeningAnswer(None, title, "NUMBER", value["value"])
    if "date" in value:
        return ScreeningAnswer(None, title, "DATE", parse_datetime(value["date"]))
    if "body" in value:
        return ScreeningAnswer(None, title, "TEXT", value["body"])
    return ScreeningAnswer(None, title, "UNKNOWN", value)


def application(raw: Raw, stage_slugs: dict[str, str] | None = None) -> RemoteApplication:
    """A Workable candidate is one application (one job, reference A3): the same id for both. `stage` carries the
    stage's *name* (recorded), matched to the job's stages for the slug; the kind is the fallback."""
    stage_slug = (stage_slugs or {}).get(raw.get("stage") or "")
    return RemoteApplication(
        remote_id=str(raw["id"]),
        candidate_remote_id=str(raw["id"]),
        job_remote_id=(raw.get("job") or {}).get("shortcode"),
        current_stage_remote_id=stage_slug or raw.get("stage_kind"),
        outcome=outcome(raw),
        rejection_reason_name=raw.get("disqualification_reason") if raw.get("disqualified") else None,
        rejected_at=parse_datetime(raw.get("disqualified_at")) if raw.get("disqualified") else None,
        source=source(raw),
        screening_question_answers=tuple(_answer(a) for a in raw.get("answers") or ()),
        remote_created_at=parse_datetime(raw.get("created_at")),
        remote_updated_at=parse_datetime(raw.get("updated_at")),
        remote_url=raw.get("profile_url"),
        remote_data=raw,
    )


# A member's account `role` (reference A5: `admin, recruiter, simple` seen; the comment `policy` roles are admin,
# recruiting_admin, hiring_manager, simple, reviewer, recruiter). Unified types by name (inference).
MEMBER_ROLE_TYPES = {
    "admin": "ADMIN", "recruiting_admin": "ADMIN", "recruiter": "RECRUITER", "hiring_manager": "HIRING_MANAGER",
    "reviewer": "INTERVIEWER", "simple": None,
}  # fmt: skip


def _role_label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def member_role(name: str) -> RoleAssignment:
    return RoleAssignment(remote_id=name, remote_label=_role_label(name), unified_type=MEMBER_ROLE_TYPES.get(name))


def role(name: str) -> RemoteRole:
    """Workable has no roles endpoint: the roles are the account roles its members hold (system-wide)."""
    return RemoteRole(
        remote_id=name, remote_label=_role_label(name), scope="SYSTEM", unified_type=MEMBER_ROLE_TYPES.get(name),
        remote_data={"role": name},
    )  # fmt: skip


def user(raw: Raw) -> RemoteUser:
    first, _, last = str(raw.get("name") or "").partition(" ")
    return RemoteUser(
        system_roles=(member_role(str(raw["role"])),) if raw.get("role") else (),
        remote_id=str(raw["id"]),
        first_name=first or None,
        last_name=last or None,
        email=raw.get("email"),
        status="ACTIVE" if raw.get("active", True) else "INACTIVE",
        remote_data=raw,
    )


def rejection_reason(raw: Raw) -> RemoteRejectionReason:
    return RemoteRejectionReason(remote_id=str(raw["id"]), name=raw.get("description"), remote_data=raw)


# Offer `state` "('accepted', 'rejected' etc.)" (reference A5; the full enum is NOT FOUND): the two named ones, and
# assumed `draft`/`sent`/`approved` names for the rest.
OFFER_STATES = {"accepted": "ACCEPTED", "rejected": "DECLINED", "declined": "DECLINED", "draft": "DRAFT",
                "sent": "SENT", "pending": "SENT", "approved": "APPROVED"}  # fmt: skip
FILE_KINDS = {"resume": "CV", "cover_letter": "COVER_LETTER"}  # `kind` values NOT FOUND: assumed


def offer(raw: Raw, candidate_id: str) -> RemoteOffer | None:
    """`GET /candidates/:id/offer`: one offer per candidate, no id of its own (assumed remote id
    `<candidate id>:offer`); without an offer the body carries only `candidate`."""
    if not raw.get("state"):
        return None
    start = next(
        (v.get("value", {}).get("body") for v in raw.get("document_variables") or ()
         if (v.get("document_variable") or {}).get("slug") == "start_date"),
        None,
    )  # fmt: skip
    return RemoteOffer(
        remote_id=f"{candidate_id}:offer",
        application_remote_id=candidate_id,
        status=OFFER_STATES.get(str(raw["state"]).lower()),
        employment_start_date=parse_datetime(f"{start}T00:00:00Z") if isinstance(start, str) and start else None,
        remote_created_at=parse_datetime(raw.get("created_at")),
        remote_data=raw,
    )


def note(raw: Raw, candidate_id: str) -> RemoteNote:
    """A `comment` activity of `GET /candidates/:id/activities` (the candidate is the application)."""
    return RemoteNote(
        remote_id=str(raw["id"]),
        candidate_remote_id=candidate_id,
        application_remote_id=candidate_id,
        author_remote_id=(raw.get("member") or {}).get("id"),
        content_html=raw.get("body"),
        remote_created_at=parse_datetime(raw.get("created_at")),
        remote_data=raw,
    )


def attachment(raw: Raw, candidate_id: str) -> RemoteAttachment:
    """A `GET /candidates/:id/files` entry; files have no id (assumed remote id `<candidate id>:<name>`)."""
    return RemoteAttachment(
        remote_id=f"{candidate_id}:{raw.get('name')}",
        candidate_remote_id=candidate_id,
        application_remote_id=candidate_id,
        file_name=raw.get("name"),
        type=FILE_KINDS.get(str(raw.get("kind")), "OTHER"),
        remote_data={key: value for key, value in raw.items() if key != "preview_url"},  # pre-signed, expires
    )


def interview(raw: Raw) -> RemoteInterview:
    """A `GET /events` item for a candidate (reference A5): members are the interviewers."""
    conference = raw.get("conference") or {}
    return RemoteInterview(
        remote_id=str(raw["id"]),
        application_remote_id=(raw.get("candidate") or {}).get("id"),
        title=raw.get("title"),
        starting_at=parse_datetime(raw.get("starts_at")),
        ending_at=parse_datetime(raw.get("ends_at")),
        video_conferencing_url=conference.get("url"),
        canceled=bool(raw.get("cancelled")),
        user_remote_ids=tuple(str(m["id"]) for m in raw.get("members") or () if m.get("id")),
        remote_data=raw,
    )
