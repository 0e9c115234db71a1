"""Greenhouse Harvest v3 raw JSON → DTOs (pure). Reference: /work/shared/reference/ats-greenhouse-lever.md A5-A6."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
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
    RemoteJobPosting,
    RemoteNote,
    RemoteOffer,
    RemoteRejectionReason,
    RemoteRole,
    RemoteScorecard,
    RemoteScreeningQuestion,
    RemoteSource,
    RemoteStage,
    RemoteTag,
    RemoteUser,
    RoleAssignment,
    ScorecardResponse,
    ScreeningQuestionOption,
    SocialMedia,
)
from apps.core.timeutils import parse_datetime as _parse

Raw = dict[str, Any]

# job_post.questions[].answer_type (GH-V3-SPEC) → the contract's format and details.
QUESTION_FORMAT: dict[str, tuple[str, Raw]] = {
    "short_text": ("TEXT", {"display_type": "SINGLE_LINE"}),
    "long_text": ("TEXT", {"display_type": "MULTI_LINE"}),
    "boolean": ("BOOLEAN", {}),
    "single_select": ("SINGLE_SELECT", {"display_type": "DROPDOWN"}),
    "multi_select": ("MULTI_SELECT", {}),
    "attachment": ("FILE", {}),
}
JOB_STATUS = {"open": "OPEN", "closed": "CLOSED", "draft": "DRAFT"}
EMAIL_TYPES = {"personal": "PERSONAL", "work": "WORK", "other": "OTHER"}
PHONE_TYPES = {"home": "HOME", "work": "WORK", "mobile": "MOBILE", "skype": "SKYPE", "other": "OTHER"}
ATTACHMENT_TYPES = {"resume": "CV", "cover_letter": "COVER_LETTER"}


def sid(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    return str(value)


def custom_field_values(raw: Raw) -> dict[str, Any]:
    """A record's `custom_fields` by name_key: the keyed shape's `value` (`{name, type, value}`, GH-V1
    `keyed_custom_fields`, as v3 records carry them, assumed), a plain value as it is."""
    found = raw.get("custom_fields")
    if not isinstance(found, dict):
        return {}
    return {key: item["value"] if isinstance(item, dict) and "value" in item else item for key, item in found.items()}


def parse_datetime(value: Any) -> Any:
    return _parse(value) if isinstance(value, str) and value else None


def text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def user(raw: Raw, *, site_admin_role: Raw | None = None) -> RemoteUser:
    """A v3 `user`. Its one system-wide role is Site Admin (`site_admin: true`), linked to the `site_admin`
    `user_role`; Job Admin roles are per job (`user_job_permissions`), not system roles (GH-V3-SPEC)."""
    roles: tuple[RoleAssignment, ...] = ()
    if raw.get("site_admin"):
        roles = (
            RoleAssignment(
                remote_id=str(site_admin_role["id"]) if site_admin_role else None,
                remote_label=text(site_admin_role.get("name")) if site_admin_role else "Site Admin",
                unified_type="ADMIN",
            ),
        )
    return RemoteUser(
        remote_id=str(raw["id"]),
        first_name=text(raw.get("first_name")),
        last_name=text(raw.get("last_name")),
        email=text(raw.get("primary_email")),
        status="INACTIVE" if raw.get("deactivated") else "ACTIVE",
        system_roles=roles,
        remote_created_at=parse_datetime(raw.get("created_at")),
        remote_updated_at=parse_datetime(raw.get("updated_at")),
        remote_data=raw,
    )


def rejection_reason(raw: Raw) -> RemoteRejectionReason:
    return RemoteRejectionReason(remote_id=str(raw["id"]), name=text(raw.get("name")), remote_data=raw)


def tag(raw: Raw) -> RemoteTag:
    return RemoteTag(remote_id=str(raw["id"]), name=text(raw.get("name")), remote_data=raw)


def source(raw: Raw) -> RemoteSource:
    kind = raw.get("type") if isinstance(raw.get("type"), dict) else {}
    return RemoteSource(
        remote_id=str(raw["id"]), label=str(raw.get("name") or ""), type=text(kind.get("name")), remote_data=raw
    )


def stage(raw: Raw) -> RemoteStage:
    order = raw.get("sort_order")
    return RemoteStage(
        remote_id=str(raw["id"]),
        name=text(raw.get("name")),
        index=order if isinstance(order, int) else None,
        status="ACTIVE" if raw.get("active", True) else "INACTIVE",
        remote_data=raw,
    )


def question(raw: Raw, index: int) -> RemoteScreeningQuestion:
    kind = str(raw.get("answer_type") or "")
    format_type, details = QUESTION_FORMAT.get(kind, ("UNKNOWN", {}))
    options: tuple[ScreeningQuestionOption, ...] = ()
    if format_type in ("SINGLE_SELECT", "MULTI_SELECT"):
        options = tuple(
            ScreeningQuestionOption(remote_id=str(o["id"]), name=str(o.get("label") or ""))
            for o in raw.get("options") or ()
            if isinstance(o, dict) and o.get("id") is not None
        )
    return RemoteScreeningQuestion(
        remote_id=str(raw["id"]),
        title=text(raw.get("label")),
        description=text(raw.get("description")),
        format_type=format_type,
        format_details=dict(details) if format_type != "UNKNOWN" else {"raw_question": raw},
        options=options,
        required=raw.get("required") if isinstance(raw.get("required"), bool) else None,
        index=index,
        remote_data=raw,
    )


def job_posting(raw: Raw) -> RemoteJobPosting:
    return RemoteJobPosting(
        remote_id=str(raw["id"]),
        title=text(raw.get("title")),
        description_html=text(raw.get("content")),
        status="ACTIVE" if raw.get("live") else "INACTIVE",
        visibility="PUBLIC" if raw.get("external") else "INTERNAL",
        remote_data=raw,
    )


def job(raw: Raw, *, stages: Sequence[Raw] = (), posts: Sequence[Raw] = ()) -> RemoteJob:
    """A v3 job with its interview stages (by `sort_order`) and its posts' questions (the first live post's)."""
    ordered = sorted((s for s in stages if s.get("active", True)), key=lambda s: s.get("sort_order") or 0)
    live = [p for p in posts if p.get("live")] or list(posts)
    questions = [q for q in (live[0].get("questions") or ()) if isinstance(q, dict)] if live else []
    return RemoteJob(
        remote_id=str(raw["id"]),
        name=text(raw.get("name")),
        job_code=text(raw.get("requisition_id")),
        description=text(live[0].get("content")) if live else None,
        confidential=raw.get("confidential") if isinstance(raw.get("confidential"), bool) else None,
        status=JOB_STATUS.get(str(raw.get("status")), str(raw.get("status")).upper() if raw.get("status") else None),
        opened_at=parse_datetime(raw.get("opened_at")),
        closed_at=parse_datetime(raw.get("closed_at")),
        remote_created_at=parse_datetime(raw.get("created_at")),
        remote_updated_at=parse_datetime(raw.get("updated_at")),
        stages=tuple(stage(s) for s in ordered),
        screening_questions=tuple(question(q, i) for i, q in enumerate(questions)),
        job_postings=tuple(job_posting(p) for p in posts),
        custom_fields=custom_field_values(raw),
        remote_data=raw,
    )


def candidate(raw: Raw) -> RemoteCandidate:
    emails = tuple(
        EmailAddress(email_address=e["value"], type=EMAIL_TYPES.get(str(e.get("type")), "OTHER"))
        for e in raw.get("email_addresses") or ()
        if isinstance(e, dict) and e.get("value")
    )
    phones = tuple(
        PhoneNumber(phone_number=p["value"], type=PHONE_TYPES.get(str(p.get("type")), "OTHER"))
        for p in raw.get("phone_numbers") or ()
        if isinstance(p, dict) and p.get("value")
    )
    links = [*(raw.get("website_addresses") or ()), *(raw.get("social_media_addresses") or ())]
    social = tuple(SocialMedia(link=w["value"]) for w in links if isinstance(w, dict) and w.get("value"))
    return RemoteCandidate(
        remote_id=str(raw["id"]),
        first_name=text(raw.get("first_name")),
        last_name=text(raw.get("last_name")),
        company=text(raw.get("company")),
        title=text(raw.get("title")),
        confidential=raw.get("private") if isinstance(raw.get("private"), bool) else None,
        email_addresses=emails,
        phone_numbers=phones,
        social_media=social,
        # v3 candidates carry tag names only (ids live on applied_candidate_tags): the name is the remote id.
        tags=tuple(RemoteTag(remote_id=str(name), name=str(name)) for name in raw.get("tags") or () if name),
        remote_created_at=parse_datetime(raw.get("created_at")),
        remote_updated_at=parse_datetime(raw.get("updated_at")),
        custom_fields=custom_field_values(raw),
        remote_data=raw,
    )


def outcome(status: Any) -> str:
    """hired → HIRED, rejected → DECLINED, anything else (in_process, converted) → PENDING (A6)."""
    return {"hired": "HIRED", "rejected": "DECLINED"}.get(str(status), "PENDING")


def application(raw: Raw, *, reasons: Mapping[str, Raw], sources: Mapping[str, Raw]) -> RemoteApplication:
    reason = reasons.get(sid(raw.get("rejection_reason_id")) or "")
    found = sources.get(sid(raw.get("source_id")) or "")
    return RemoteApplication(
        remote_id=str(raw["id"]),
        candidate_remote_id=str(raw["candidate_id"]),
        job_remote_id=sid(raw.get("job_id")),
        current_stage_remote_id=sid(raw.get("stage_id")),
        outcome=outcome(raw.get("status")),
        rejection_reason_remote_id=sid(raw.get("rejection_reason_id")),
        rejection_reason_name=text(reason.get("name")) if reason else None,
        rejected_at=parse_datetime(raw.get("rejected_at")),
        source=text(found.get("name")) if found else None,
        remote_created_at=parse_datetime(raw.get("created_at")),
        remote_updated_at=parse_datetime(raw.get("updated_at")),
        custom_fields=custom_field_values(raw),
        remote_data=raw,
    )


def note(raw: Raw) -> RemoteNote:
    return RemoteNote(
        remote_id=str(raw["id"]),
        candidate_remote_id=str(raw.get("candidate_id")),
        application_remote_id=sid(raw.get("application_id")),
        author_remote_id=sid(raw.get("user_id")),
        content_html=text(raw.get("body")),
        # GH-V3-SPEC read values: admin_only_visible | privately_visible | publicly_visible
        is_private=raw.get("visibility") != "publicly_visible",
        remote_created_at=parse_datetime(raw.get("created_at")),
        remote_updated_at=parse_datetime(raw.get("updated_at")),
        remote_data=raw,
    )


def attachment(raw: Raw) -> RemoteAttachment:
    return RemoteAttachment(
        remote_id=str(raw["id"]),
        candidate_remote_id=str(raw.get("candidate_id")),
        application_remote_id=sid(raw.get("application_id")),
        file_name=text(raw.get("filename")),
        type=ATTACHMENT_TYPES.get(str(raw.get("type")), "OTHER"),
        content_type=text(raw.get("content_type")),
        remote_created_at=parse_datetime(raw.get("created_at")),
        remote_updated_at=parse_datetime(raw.get("updated_at")),
        remote_data=raw,
    )


# GH-V3-SPEC `offer.status` ∈ Created, Accepted, Rejected, Deprecated; a created offer with `sent_on` was sent.
OFFER_STATUS = {"Accepted": "ACCEPTED", "Rejected": "DECLINED", "Deprecated": "ABANDONED"}
# `scorecard.candidate_rating` is a plain string in v3; its values are v1's `overall_recommendation` (A5, assumed).
RATINGS = ("definitely_not", "no", "yes", "strong_yes", "no_decision")


def application_stage(raw: Raw) -> RemoteApplicationStage:
    """A `job_interview_stage` (every job's stages, the contract's company-level list)."""
    return RemoteApplicationStage(
        remote_id=str(raw["id"]),
        name=text(raw.get("name")),
        status="ACTIVE" if raw.get("active", True) else "INACTIVE",
        remote_data=raw,
    )


def _date(value: Any) -> Any:
    return parse_datetime(f"{value}T00:00:00Z") if isinstance(value, str) and len(value) == 10 else None


def offer(raw: Raw) -> RemoteOffer:
    status = OFFER_STATUS.get(str(raw.get("status")))
    if status is None:
        status = "SENT" if raw.get("sent_on") else "DRAFT"
    return RemoteOffer(
        remote_id=str(raw["id"]),
        application_remote_id=sid(raw.get("application_id")),
        status=status,
        employment_start_date=_date(raw.get("starts_on")),
        remote_created_at=parse_datetime(raw.get("created_at")),
        remote_updated_at=parse_datetime(raw.get("updated_at")),
        custom_fields=custom_field_values(raw),
        remote_data=raw,
    )


def interview(raw: Raw, *, interviewers: Sequence[Raw], step: Raw | None) -> RemoteInterview:
    """A v3 `interview` with its `interviewer` rows and its `job_interview` step (title, stage)."""
    start = parse_datetime(raw.get("starts_at")) or _date(raw.get("all_day_start_on"))
    end = parse_datetime(raw.get("ends_at")) or _date(raw.get("all_day_end_on"))
    location = text(raw.get("location"))
    return RemoteInterview(
        remote_id=str(raw["id"]),
        application_remote_id=sid(raw.get("application_id")),
        stage_remote_id=sid(step.get("job_interview_stage_id")) if step else None,
        title=text(step.get("name")) if step else None,
        starting_at=start,
        ending_at=end,
        location=Location(raw=location) if location else None,
        video_conferencing_url=text(raw.get("video_conferencing_url")),
        # v3 has no cancelled status: a cancelled interview is deleted (`interview_deleted` webhook, A7).
        canceled=False,
        user_remote_ids=tuple(str(i["user_id"]) for i in interviewers if i.get("user_id") is not None),
        remote_created_at=parse_datetime(raw.get("created_at")),
        remote_updated_at=parse_datetime(raw.get("updated_at")),
        remote_data={**raw, "interviewers": list(interviewers)},
    )


SELECT_TYPES = ("single_select", "multi_select")  # `scorecard_question.answer_type` values assumed (a string)


def _plain(html: Any) -> str:
    """Scorecard question texts carry basic HTML (`<p>`, `<b>`, …; GH-V3-SPEC): the label is their text."""
    return re.sub(r"<[^>]+>", "", str(html or "")).strip()


def question_response(question: Raw, answer: Raw, options: list[Raw], chosen: list[str]) -> ScorecardResponse:
    """One `scorecard_question_answer` (GH-V3-SPEC) as the contract's response variant of its question type."""
    kind = str(question.get("answer_type") or "")
    common: dict[str, Any] = {
        "label": _plain(question.get("question")) or str(question["id"]),
        "remote_id": str(question["id"]),
        "required": question.get("required"),
    }
    if kind == "yes_no":
        return ScorecardResponse(type="BOOLEAN", answer=answer.get("boolean_value"), **common)
    if kind in SELECT_TYPES:
        pairs = tuple(
            (str(o["id"]), str(o.get("name") or "")) for o in sorted(options, key=lambda o: o.get("sort_order") or 0)
        )
        picked = [{"remote_id": rid, "label": label} for rid, label in pairs if rid in chosen]
        if kind == "single_select":
            return ScorecardResponse(
                type="SINGLE_SELECT", options=pairs, answer=picked[0] if picked else None, **common
            )
        return ScorecardResponse(type="MULTI_SELECT", options=pairs, answer=picked, **common)
    return ScorecardResponse(type="TEXT", answer=text(answer.get("answer")), **common)


def scorecard(
    raw: Raw,
    *,
    candidate_id: str | None,
    interview_id: str | None = None,
    answers: tuple[ScorecardResponse, ...] = (),
) -> RemoteScorecard:
    """A v3 `scorecard`: the overall rating as a single select, the per-question answers
    (`/v3/scorecard_question_answers`), the notes as text; its interview is the `interviewer` row that names it."""
    responses: list[ScorecardResponse] = []
    rating = text(raw.get("candidate_rating"))
    if rating:
        responses.append(
            ScorecardResponse(
                type="SINGLE_SELECT",
                label="Overall recommendation",
                remote_id="candidate_rating",
                options=tuple((value, value) for value in RATINGS),
                answer={"remote_id": rating, "label": rating},
            )
        )
    responses.extend(answers)
    for key, label in (("notes", "Notes"), ("public_notes", "Public notes")):
        if text(raw.get(key)):
            responses.append(ScorecardResponse(type="TEXT", label=label, remote_id=key, answer=raw[key]))
    return RemoteScorecard(
        remote_id=str(raw["id"]),
        candidate_remote_id=candidate_id,
        application_remote_id=sid(raw.get("application_id")),
        interview_remote_id=interview_id,
        author_remote_id=sid(raw.get("submitter_id") or raw.get("interviewer_id")),
        responses=tuple(responses),
        remote_created_at=parse_datetime(raw.get("created_at")),
        remote_updated_at=parse_datetime(raw.get("updated_at")),
        remote_data=raw,
    )


# `user_role.role_type` (GH-V3-SPEC): a Site Admin is the system-wide admin, Job Admin roles are granted per job.
ROLE_SCOPES = {
    "site_admin": ("SYSTEM", "ADMIN"),
    "job_admin": ("JOB", None),
    "deprecated_interviewer": ("JOB", "INTERVIEWER"),
}


def role(raw: Raw) -> RemoteRole:
    scope, unified = ROLE_SCOPES.get(str(raw.get("role_type")), (None, None))
    return RemoteRole(
        remote_id=str(raw["id"]), remote_label=text(raw.get("name")), scope=scope, unified_type=unified, remote_data=raw
    )
