"""Lever raw JSON → DTOs, pure (reference ats-greenhouse-lever.md B5/B6). Times are epoch milliseconds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from apps.connectors.dtos import (
    EmailAddress,
    Location,
    PhoneNumber,
    RemoteApplication,
    RemoteCandidate,
    RemoteJob,
    RemoteRejectionReason,
    RemoteScreeningQuestion,
    RemoteStage,
    RemoteTag,
    RemoteUser,
    ScreeningAnswer,
    ScreeningQuestionOption,
)

Raw = dict[str, Any]

# Posting-form field types → the contract's formats (reference B5). `university` is a free-text school name
# (assumed: Lever's form offers a school picker whose value is the school's text).
QUESTION_FORMATS = {
    "text": "TEXT",
    "textarea": "TEXT",
    "university": "TEXT",
    "dropdown": "SINGLE_SELECT",
    "multiple-choice": "SINGLE_SELECT",
    "multiple-select": "MULTI_SELECT",
    "file-upload": "FILE",
}
# `state` ∈ published, internal ("unlisted"), closed, draft, pending, rejected (reference B5); pending is a
# posting awaiting approval, rejected one whose approval was refused (assumed: neither ever opened).
JOB_STATUS = {"published": "OPEN", "internal": "OPEN", "closed": "CLOSED", "draft": "DRAFT", "pending": "DRAFT",
              "rejected": "ARCHIVED"}  # fmt: skip
WORKPLACE = {"remote": "REMOTE", "hybrid": "HYBRID", "onsite": "ON_SITE", "on-site": "ON_SITE"}


def when(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value / 1000, UTC)


def _split(name: Any) -> tuple[str | None, str | None]:
    first, _, last = str(name or "").strip().partition(" ")
    return first or None, last or None


def question(raw: Raw, index: int) -> RemoteScreeningQuestion:
    kind = str(raw.get("type"))
    options = tuple(ScreeningQuestionOption(remote_id=o["text"], name=o["text"]) for o in raw.get("options") or ())
    return RemoteScreeningQuestion(
        remote_id=str(raw["id"]),
        title=raw.get("text"),
        format_type=QUESTION_FORMATS.get(kind, "UNKNOWN"),
        format_details={"lever_type": kind},
        options=options,
        required=bool(raw.get("required")),
        index=index,
        remote_data=raw,
    )


def questions(form: Raw | None) -> tuple[RemoteScreeningQuestion, ...]:
    """The apply form's custom questions, field by field (each field is one answer in Lever's forms)."""
    fields = [f for group in (form or {}).get("customQuestions") or () for f in group.get("fields") or ()]
    return tuple(question(f, index) for index, f in enumerate(fields))


def stage(raw: Raw, index: int) -> RemoteStage:
    return RemoteStage(remote_id=str(raw["id"]), name=raw.get("text"), index=index, remote_data=raw)


def job(raw: Raw, stages: list[Raw], form: Raw | None) -> RemoteJob:
    categories = raw.get("categories") or {}
    salary = raw.get("salaryRange") or {}
    content = raw.get("content") or {}
    codes = raw.get("requisitionCodes") or []
    return RemoteJob(
        remote_id=str(raw["id"]),
        name=raw.get("text"),
        job_code=codes[0] if codes else None,
        description=content.get("descriptionHtml") or content.get("description"),
        department=categories.get("department") or categories.get("team"),
        post_url=(raw.get("urls") or {}).get("show"),
        confidential=raw.get("confidentiality") == "confidential",
        employment_type=categories.get("commitment"),
        status=JOB_STATUS.get(str(raw.get("state")), str(raw.get("state")).upper()),
        visibility={"published": "PUBLIC", "internal": "UNLISTED"}.get(str(raw.get("state"))),
        remote_work_status=WORKPLACE.get(str(raw.get("workplaceType"))),
        salary_amount_from=salary.get("min"),
        salary_amount_to=salary.get("max"),
        salary_currency=salary.get("currency"),
        location=Location(raw=categories["location"], country=raw.get("country"))
        if categories.get("location")
        else None,  # fmt: skip
        remote_created_at=when(raw.get("createdAt")),
        remote_updated_at=when(raw.get("updatedAt")),
        remote_url=(raw.get("urls") or {}).get("show"),
        stages=tuple(stage(s, i) for i, s in enumerate(stages)),
        screening_questions=questions(form),
        remote_data=raw,
    )


def outcome(raw: Raw, reasons: Mapping[str, Raw]) -> str:
    """B6: not archived → PENDING; archived with a `hired`-type reason → HIRED; any other archive → DECLINED."""
    archived = raw.get("archived") or {}
    if not (archived.get("archivedAt") or raw.get("archivedAt")):
        return "PENDING"
    reason = reasons.get(str(archived.get("reason") or raw.get("archiveReason")))
    return "HIRED" if reason and reason.get("type") == "hired" else "DECLINED"


def source(raw: Raw) -> str | None:
    """The first of the opportunity's free-text `sources` (reference B4)."""
    sources = raw.get("sources") or []
    return str(sources[0]) if sources else None


def _application(raw: Raw) -> Raw:
    applications = [a for a in raw.get("applications") or () if isinstance(a, dict)]
    return applications[0] if applications else {}


def _answers(application: Raw) -> tuple[ScreeningAnswer, ...]:
    answers: list[ScreeningAnswer] = []
    for form in application.get("customQuestions") or ():
        for spec in form.get("fields") or ():
            value = spec.get("value")
            if value in (None, "", []):
                continue
            fmt = QUESTION_FORMATS.get(str(spec.get("type")), "UNKNOWN")
            if fmt == "FILE":
                fmt, value = "UNKNOWN", value
            answers.append(ScreeningAnswer(spec.get("id"), str(spec.get("text") or ""), fmt, value))
    return tuple(answers)


def application(raw: Raw, reasons: Mapping[str, Raw]) -> RemoteApplication:
    """One opportunity is one application (reference B6); the candidate is its contact."""
    app = _application(raw)
    archived = raw.get("archived") or {}
    result = outcome(raw, reasons)
    reason_id = str(archived.get("reason") or raw.get("archiveReason") or "") or None
    declined = result == "DECLINED"
    return RemoteApplication(
        remote_id=str(raw["id"]),
        candidate_remote_id=str(raw["contact"]),
        job_remote_id=app.get("posting"),
        current_stage_remote_id=(raw["stage"]["id"] if isinstance(raw.get("stage"), dict) else raw.get("stage")),
        outcome=result,
        rejection_reason_remote_id=reason_id if declined else None,
        rejection_reason_name=(reasons.get(reason_id or "") or {}).get("text") if declined else None,
        rejected_at=when(archived.get("archivedAt") or raw.get("archivedAt")) if declined else None,
        source=source(raw),
        screening_question_answers=_answers(app),
        remote_created_at=when(raw.get("createdAt")),
        remote_updated_at=when(raw.get("updatedAt")),
        remote_url=(raw.get("urls") or {}).get("show"),
        remote_data=raw,
    )


def candidate(contact: Raw, opportunities: Iterable[Raw]) -> RemoteCandidate:
    """A contact with what its opportunities in hand add: tags (their union), the source of the earliest one and
    the created/updated span (Lever keeps tags and sources on opportunities, reference B4)."""
    rows = sorted(opportunities, key=lambda o: (o.get("createdAt") or 0, o.get("id")))
    first, last = _split(contact.get("name"))
    tags = list(dict.fromkeys(t for o in rows for t in o.get("tags") or ()))
    location = contact.get("location")
    location_name = location.get("name") if isinstance(location, dict) else location
    return RemoteCandidate(
        remote_id=str(contact["id"]),
        first_name=first,
        last_name=last,
        title=contact.get("headline"),
        source=source(rows[0]) if rows else None,
        email_addresses=tuple(EmailAddress(email_address=e, type="PERSONAL") for e in contact.get("emails") or ()),
        phone_numbers=tuple(
            PhoneNumber(phone_number=p["value"], type=_phone_type(p.get("type")))
            for p in contact.get("phones") or ()
            if isinstance(p, dict) and p.get("value")
        ),
        location=Location(raw=location_name) if location_name else None,
        tags=tuple(RemoteTag(remote_id=t, name=t) for t in tags),
        remote_created_at=when(rows[0].get("createdAt")) if rows else None,
        remote_updated_at=when(max(o.get("updatedAt") or 0 for o in rows)) if rows else None,
        remote_url=f"https://hire.lever.co/contacts/{contact['id']}",  # assumed path of a contact's page
        remote_data={"contact": contact, "opportunities": [o["id"] for o in rows]},
    )


def contact_of(opportunity: Raw) -> Raw:
    """The contact as the opportunity carries it (name, headline, emails, phones, location)."""
    contact = opportunity.get("contact")
    if isinstance(contact, dict):
        return contact
    return {k: opportunity.get(k) for k in ("name", "headline", "emails", "phones", "location")} | {"id": contact}


def _phone_type(value: Any) -> str:
    return {"mobile": "MOBILE", "home": "HOME", "work": "WORK"}.get(str(value), "OTHER")


def user(raw: Raw) -> RemoteUser:
    first, last = _split(raw.get("name"))
    return RemoteUser(
        remote_id=str(raw["id"]),
        first_name=first,
        last_name=last,
        email=raw.get("email"),
        status="INACTIVE" if raw.get("deactivatedAt") else "ACTIVE",
        remote_created_at=when(raw.get("createdAt")),
        remote_data=raw,
    )


def rejection_reason(raw: Raw) -> RemoteRejectionReason:
    return RemoteRejectionReason(remote_id=str(raw["id"]), name=raw.get("text"), remote_data=raw)


def tag(raw: Raw) -> RemoteTag:
    return RemoteTag(remote_id=str(raw["text"]), name=raw.get("text"), remote_data=raw)
