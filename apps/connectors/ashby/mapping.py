"""Ashby raw JSON → DTOs (pure). Shapes: reference B5/B6 (AB-OAS, recorded AB-NANGO responses)."""

from __future__ import annotations

from typing import Any

from apps.connectors.dtos import (
    EmailAddress,
    Location,
    PhoneNumber,
    RemoteApplication,
    RemoteCandidate,
    RemoteJob,
    RemoteJobPosting,
    RemoteRejectionReason,
    RemoteScreeningQuestion,
    RemoteSource,
    RemoteStage,
    RemoteTag,
    RemoteUser,
    ScreeningQuestionOption,
    SocialMedia,
)
from apps.core.timeutils import parse_datetime

Raw = dict[str, Any]
# Outcome (reference B6): Hired → HIRED, Archived → DECLINED, else (Active, Lead) PENDING.
OUTCOME = {"Hired": "HIRED", "Archived": "DECLINED"}
JOB_STATUS = {"Open": "OPEN", "Closed": "CLOSED", "Draft": "DRAFT", "Archived": "ARCHIVED"}
EMPLOYMENT = {
    "FullTime": "FULL_TIME",
    "PartTime": "PART_TIME",
    "Intern": "INTERNSHIP",
    "Contract": "CONTRACT",
    "Temporary": "TEMPORARY",
}
CONTACT_TYPE = {"Personal": "PERSONAL", "Work": "WORK", "Other": "OTHER"}
# applicationFormDefinition field types (reference B5) → unified question formats.
QUESTION_FORMAT: dict[str, tuple[str, dict[str, Any]]] = {
    "String": ("TEXT", {"display_type": "SINGLE_LINE"}),
    "Email": ("TEXT", {"display_type": "SINGLE_LINE"}),
    "Phone": ("TEXT", {"display_type": "SINGLE_LINE"}),
    "Url": ("TEXT", {"display_type": "SINGLE_LINE"}),
    "LongText": ("TEXT", {"display_type": "MULTI_LINE"}),
    "RichText": ("TEXT", {"display_type": "MULTI_LINE"}),
    "Boolean": ("BOOLEAN", {}),
    "Number": ("NUMBER", {}),
    "Date": ("DATE", {}),
    "ValueSelect": ("SINGLE_SELECT", {}),
    "MultiValueSelect": ("MULTI_SELECT", {}),
    "File": ("FILE", {}),
}
# Form paths filled from the candidate, not asked as screening questions.
SYSTEM_PATHS = frozenset({"_systemfield_name", "_systemfield_email", "_systemfield_phone", "_systemfield_resume"})


def _time(value: Any) -> Any:
    return parse_datetime(value) if isinstance(value, str) and value else None


def custom_field_values(raw: Raw) -> dict[str, Any]:
    """A record's own custom fields by title (`customFields: [{id, title, value}]`, assumed, see custom_fields.py)."""
    items = raw.get("customFields") if isinstance(raw.get("customFields"), list) else []
    return {str(i["title"]): i.get("value") for i in items if isinstance(i, dict) and i.get("title") is not None}


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """Ashby keeps one `name`; the first word is the first name (assumed, see assumptions.py)."""
    if not name:
        return None, None
    first, _, last = name.strip().partition(" ")
    return first, last or None


def source_label(raw: Raw | None) -> str | None:
    return str(raw["title"]) if isinstance(raw, dict) and raw.get("title") else None


def source(raw: Raw) -> RemoteSource:
    kind = raw.get("sourceType") if isinstance(raw.get("sourceType"), dict) else {}
    return RemoteSource(
        remote_id=str(raw["id"]), label=str(raw.get("title") or ""), type=kind.get("title"), remote_data=raw
    )


def user(raw: Raw) -> RemoteUser:
    return RemoteUser(
        remote_id=str(raw["id"]),
        first_name=raw.get("firstName"),
        last_name=raw.get("lastName"),
        email=raw.get("email"),
        status="ACTIVE" if raw.get("isEnabled") else "INACTIVE",
        remote_updated_at=_time(raw.get("updatedAt")),
        remote_data=raw,
    )


def tag(raw: Raw) -> RemoteTag:
    return RemoteTag(remote_id=str(raw["id"]), name=raw.get("title"), remote_data=raw)


def rejection_reason(raw: Raw) -> RemoteRejectionReason:
    return RemoteRejectionReason(remote_id=str(raw["id"]), name=raw.get("text"), remote_data=raw)


def stage(raw: Raw) -> RemoteStage:
    return RemoteStage(
        remote_id=str(raw["id"]), name=raw.get("title"), index=raw.get("orderInInterviewPlan"), remote_data=raw
    )


def screening_questions(form: Raw | None) -> tuple[RemoteScreeningQuestion, ...]:
    if not isinstance(form, dict):
        return ()
    questions: list[RemoteScreeningQuestion] = []
    entries = [entry for section in form.get("sections") or () for entry in section.get("fields") or ()]
    for entry in entries:
        field = entry.get("field") or {}
        if field.get("path") in SYSTEM_PATHS:
            continue
        format_type, details = QUESTION_FORMAT.get(str(field.get("type")), ("UNKNOWN", {}))
        if format_type == "UNKNOWN":
            details = {"raw_question": field}
        options = tuple(
            ScreeningQuestionOption(remote_id=str(option["value"]), name=str(option.get("label") or option["value"]))
            for option in field.get("selectableValues") or ()
        )
        questions.append(
            RemoteScreeningQuestion(
                remote_id=str(field["path"]),
                title=field.get("title"),
                description=entry.get("descriptionPlain"),
                format_type=format_type,
                format_details=dict(details),
                options=options,
                required=bool(entry.get("isRequired")),
                index=len(questions),
                remote_data=entry,
            )
        )
    return tuple(questions)


def job(raw: Raw, *, stages: list[Raw], posting: Raw | None) -> RemoteJob:
    postings: tuple[RemoteJobPosting, ...] = ()
    if posting is not None:
        postings = (
            RemoteJobPosting(
                remote_id=str(posting["id"]),
                title=posting.get("title"),
                description_html=posting.get("descriptionHtml"),
                url=posting.get("externalLink"),
                status="ACTIVE" if posting.get("isListed") else "INACTIVE",
                visibility="PUBLIC" if posting.get("isListed") else None,
                remote_data={k: v for k, v in posting.items() if k != "applicationFormDefinition"},
            ),
        )
    return RemoteJob(
        remote_id=str(raw["id"]),
        name=raw.get("title"),
        job_code=raw.get("customRequisitionId"),
        confidential=raw.get("confidential"),
        employment_type=EMPLOYMENT.get(str(raw.get("employmentType"))),
        status=JOB_STATUS.get(str(raw.get("status")), raw.get("status")),
        post_url=posting.get("externalLink") if posting else None,
        opened_at=_time(raw.get("openedAt")),
        closed_at=_time(raw.get("closedAt")),
        remote_created_at=_time(raw.get("createdAt")),
        remote_updated_at=_time(raw.get("updatedAt")),
        stages=tuple(stage(s) for s in stages),
        screening_questions=screening_questions(posting.get("applicationFormDefinition") if posting else None),
        job_postings=postings,
        remote_data=raw,
    )


def _location(raw: Any) -> Location | None:
    if not isinstance(raw, dict):
        return None
    parts = {c.get("type"): c.get("name") for c in raw.get("locationComponents") or ()}
    return Location(
        city=parts.get("City"), country=parts.get("Country"), state=parts.get("Region"), raw=raw.get("locationSummary")
    )


def candidate(raw: Raw) -> RemoteCandidate:
    first, last = split_name(raw.get("name"))
    return RemoteCandidate(
        remote_id=str(raw["id"]),
        first_name=first,
        last_name=last,
        company=raw.get("company"),
        title=raw.get("position"),
        source=source_label(raw.get("source")),
        email_addresses=tuple(
            EmailAddress(email_address=e["value"], type=CONTACT_TYPE.get(e.get("type"), "OTHER"))
            for e in raw.get("emailAddresses") or ()
        ),
        phone_numbers=tuple(
            PhoneNumber(phone_number=p["value"], type=CONTACT_TYPE.get(p.get("type"), "OTHER"))
            for p in raw.get("phoneNumbers") or ()
        ),
        social_media=tuple(SocialMedia(link=s.get("url"), type=s.get("type")) for s in raw.get("socialLinks") or ()),
        location=_location(raw.get("location")),
        tags=tuple(tag(t) for t in raw.get("tags") or ()),
        custom_fields=custom_field_values(raw),
        remote_created_at=_time(raw.get("createdAt")),
        remote_updated_at=_time(raw.get("updatedAt")),
        remote_url=raw.get("profileUrl"),
        remote_data=raw,
    )


def application(raw: Raw) -> RemoteApplication:
    reason = raw.get("archiveReason") if isinstance(raw.get("archiveReason"), dict) else None
    current = raw.get("currentInterviewStage") if isinstance(raw.get("currentInterviewStage"), dict) else {}
    job_ref = raw.get("job") if isinstance(raw.get("job"), dict) else {}
    return RemoteApplication(
        remote_id=str(raw["id"]),
        candidate_remote_id=str((raw.get("candidate") or {}).get("id")),
        job_remote_id=job_ref.get("id"),
        current_stage_remote_id=current.get("id"),
        outcome=OUTCOME.get(str(raw.get("status")), "PENDING"),
        rejection_reason_remote_id=reason.get("id") if reason else None,
        rejection_reason_name=reason.get("text") if reason else None,
        rejected_at=_time(raw.get("archivedAt")),
        source=source_label(raw.get("source")),
        custom_fields=custom_field_values(raw),
        remote_created_at=_time(raw.get("createdAt")),
        remote_updated_at=_time(raw.get("updatedAt")),
        remote_data=raw,
    )
