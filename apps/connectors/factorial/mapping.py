"""Pure functions: Factorial JSON → DTOs. Field names follow the F-SDK models of API version 2026-10-01.

Facts and their sources: /work/shared/reference/ats-smartrecruiters-factorial.md Part B (B5 endpoint details,
B6 outcome model). Where Factorial's model has no counterpart of a unified field, the DTO leaves it empty and the
connector's coverage table says UNSUPPORTED.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from apps.connectors.dtos import (
    AttachmentInput,
    CreateApplicationInput,
    EmailAddress,
    PhoneNumber,
    RemoteApplication,
    RemoteApplicationStage,
    RemoteAttachment,
    RemoteCandidate,
    RemoteJob,
    RemoteJobPosting,
    RemoteNote,
    RemoteRejectionReason,
    RemoteScreeningQuestion,
    RemoteSource,
    RemoteStage,
    RemoteUser,
    ScreeningAnswer,
    ScreeningAnswerInput,
    ScreeningQuestionOption,
    SocialMedia,
)
from apps.connectors.factorial.client import remote_id
from apps.connectors.values import dt

Raw = dict[str, Any]

# AtsJobPosting.status (F-SDK enum: archived, cancelled, deleted, draft, published, unlisted) → unified job status.
# `unlisted` postings take applications through their link but are not listed on the career page.
JOB_STATUS = {
    "published": "OPEN",
    "unlisted": "OPEN",
    "draft": "DRAFT",
    "cancelled": "CLOSED",
    "archived": "ARCHIVED",
    "deleted": "ARCHIVED",
}
JOB_VISIBILITY = {"published": "PUBLIC", "unlisted": "UNLISTED"}
POSTING_STATUS = {"published": "ACTIVE", "unlisted": "ACTIVE", "draft": "DRAFT"}  # the rest: INACTIVE
WORKPLACE = {"remote": "REMOTE", "hybrid": "HYBRID", "onsite": "ON_SITE"}
SCHEDULE = {"full_time": "FULL_TIME", "part_time": "PART_TIME"}
SALARY_PERIOD = {"annual": "YEAR", "monthly": "MONTH", "daily": "DAY"}
# Contract types (F-SDK enum) that say more than the schedule does; every other one keeps the schedule's type.
CONTRACT_EMPLOYMENT = {
    **dict.fromkeys(
        ("intern", "estagio", "apprenticeship", "alternant", "apprendistato", "apprentissage", "jovem_aprendiz"),
        "INTERNSHIP",
    ),
    **dict.fromkeys(("freelance", "vendor_contractor", "pj", "recibos_verdes"), "CONTRACT"),
    "fixed_discontinued": "SEASONAL",
}
# AtsQuestion.question_type (F-SDK enum: file, long_text, multiple_choice, single_choice, text).
QUESTION_FORMAT: dict[str, tuple[str, dict[str, Any]]] = {
    "text": ("TEXT", {"display_type": "SINGLE_LINE"}),
    "long_text": ("TEXT", {"display_type": "MULTI_LINE"}),
    "single_choice": ("SINGLE_SELECT", {"display_type": "RADIO"}),
    "multiple_choice": ("MULTI_SELECT", {}),
    "file": ("FILE", {}),
}
# Application phases carry `phase_type` (F-SDK enum: assessment, hired, initial, interview, normal, offer,
# screening). The doc example shows "Screening" capitalised (F-REPO AtsApplicationPhase.md): compare lowercase.
HIRED_PHASE_TYPE = "hired"
# Which posting statuses take applications is NOT FOUND in the docs: those candidates can reach (the emulator
# answers the same, `state.APPLY_OPEN_STATUSES`).
APPLY_OPEN_STATUSES = ("published", "unlisted")
CV_ATTACHMENT_SUFFIX = ":cv"


def text(value: Any) -> str | None:
    if value is None:
        return None
    stripped = str(value).strip()
    return stripped or None


def _amount(cents: Any) -> float | None:
    if isinstance(cents, int | float) and not isinstance(cents, bool):
        return cents / 100
    return None


def _key(raw: Raw, name: str) -> str | None:
    return remote_id(raw.get(name))


# -- catalogue records ------------------------------------------------------------------------------------


def rejection_reason(raw: Raw) -> RemoteRejectionReason:
    return RemoteRejectionReason(remote_id=str(remote_id(raw.get("id"))), name=text(raw.get("reason")), remote_data=raw)


def source(raw: Raw) -> RemoteSource:
    """An `AtsCandidateSource`: its `label` is what people see ("Translated label of the source if it is a default
    one, or name otherwise", F-SDK); its `category` is the closest thing to a source type."""
    label = text(raw.get("label")) or text(raw.get("name")) or ""
    return RemoteSource(
        remote_id=str(remote_id(raw.get("id"))), label=label, type=text(raw.get("category")), remote_data=raw
    )


def source_label(source_id: Any, sources: Mapping[str, Raw]) -> str | None:
    """The label of a record's `source_id`; None when it has none or the source no longer exists."""
    key = remote_id(source_id)
    if key is None or key not in sources:
        return None
    return source(sources[key]).label or None


def user(raw: Raw) -> RemoteUser:
    """An employee (`/employees/employees`). Employees with a `terminated_on` date are INACTIVE."""
    return RemoteUser(
        remote_id=str(remote_id(raw.get("id"))),
        first_name=text(raw.get("first_name")),
        last_name=text(raw.get("last_name")),
        email=text(raw.get("email")),
        status="INACTIVE" if raw.get("terminated_on") else "ACTIVE",
        remote_created_at=dt(raw.get("created_at")),
        remote_updated_at=dt(raw.get("updated_at")),
        remote_data=raw,
    )


# -- jobs -------------------------------------------------------------------------------------------------


def stage(raw: Raw) -> RemoteStage:
    """An application phase of a job posting (its pipeline step)."""
    position = raw.get("position")
    return RemoteStage(
        remote_id=str(remote_id(raw.get("id"))),
        name=text(raw.get("name")),
        index=position if isinstance(position, int) and not isinstance(position, bool) else None,
        remote_data=raw,
    )


def application_stage(raw: Raw) -> RemoteApplicationStage:
    """An application phase in the company-wide stage list (each posting has its own phases)."""
    return RemoteApplicationStage(remote_id=str(remote_id(raw.get("id"))), name=text(raw.get("name")), remote_data=raw)


def screening_question(raw: Raw) -> RemoteScreeningQuestion:
    """An `AtsQuestion`. Options have no ids in Factorial, only a text unique within the question: the text is
    the option's remote id, and the value an answer sends (F-SDK apply body `answers[].value`)."""
    kind = str(raw.get("question_type") or "").lower()
    format_type, details = QUESTION_FORMAT.get(kind, ("UNKNOWN", {}))
    if format_type == "UNKNOWN":
        details = {"raw_question": raw}
    options: tuple[ScreeningQuestionOption, ...] = ()
    if format_type in ("SINGLE_SELECT", "MULTI_SELECT"):
        options = tuple(
            ScreeningQuestionOption(remote_id=label, name=label)
            for option in raw.get("options") or ()
            if isinstance(option, dict) and (label := text(option.get("text")))
        )
    position = raw.get("position")
    return RemoteScreeningQuestion(
        remote_id=str(remote_id(raw.get("id"))),
        title=text(raw.get("label")),
        format_type=format_type,
        format_details=dict(details),
        options=options,
        required=raw.get("mandatory") if isinstance(raw.get("mandatory"), bool) else None,
        index=position if isinstance(position, int) and not isinstance(position, bool) else None,
        remote_data=raw,
    )


def _employment_type(raw: Raw) -> str | None:
    contract = CONTRACT_EMPLOYMENT.get(str(raw.get("contract_type") or ""))
    return contract or SCHEDULE.get(str(raw.get("schedule_type") or ""))


def _remote_work_status(raw: Raw) -> str | None:
    workplace = WORKPLACE.get(str(raw.get("workplace_type") or ""))
    if workplace is None and raw.get("remote") is True:
        return "REMOTE"
    return workplace


def job(raw: Raw, *, phases: Sequence[Raw] = (), questions: Sequence[Raw] = ()) -> RemoteJob:
    """An `AtsJobPosting` (Factorial has no requisition apart from the posting, reference B3) with its pipeline
    (application phases by position) and its own screening questions (by position)."""
    status = str(raw.get("status") or "")
    fixed = raw.get("salary_format") == "fixed_amount"
    salary_from = _amount(raw.get("salary_from_amount_in_cents"))
    salary_to = _amount(raw.get("salary_to_amount_in_cents"))
    ordered_phases = sorted(phases, key=lambda item: (_position(item), _numeric(item.get("id"))))
    ordered_questions = sorted(questions, key=lambda item: (_position(item), _numeric(item.get("id"))))
    identifier = str(remote_id(raw.get("id")))
    url = text(raw.get("url"))
    return RemoteJob(
        remote_id=identifier,
        name=text(raw.get("title")),
        description=text(raw.get("description")),
        category=text(raw.get("category")),
        post_url=url,
        employment_type=_employment_type(raw),
        status=JOB_STATUS.get(status, status.upper() or None),
        visibility=JOB_VISIBILITY.get(status),
        remote_work_status=_remote_work_status(raw),
        salary_amount=salary_from if fixed else None,
        salary_amount_from=None if fixed else salary_from,
        salary_amount_to=None if fixed else salary_to,
        salary_period=SALARY_PERIOD.get(str(raw.get("salary_period") or "")),
        opened_at=dt(raw.get("published_at")),
        remote_created_at=dt(raw.get("created_at")),
        stages=tuple(stage(item) for item in ordered_phases),
        screening_questions=tuple(screening_question(item) for item in ordered_questions),
        job_postings=(
            RemoteJobPosting(
                remote_id=identifier,
                title=text(raw.get("title")),
                description_html=text(raw.get("description")),
                url=url,
                status=POSTING_STATUS.get(status, "INACTIVE"),
                visibility=JOB_VISIBILITY.get(status),
                remote_data={"id": raw.get("id"), "status": status, "url": url},
            ),
        ),
        remote_data=raw,
    )


def _position(raw: Raw) -> int:
    value = raw.get("position")
    return value if isinstance(value, int) and not isinstance(value, bool) else 1 << 30


def _numeric(value: Any) -> int:
    text = remote_id(value) or ""
    return int(text) if text.isdigit() else 1 << 62


# -- candidates and applications ---------------------------------------------------------------------------


def candidate(raw: Raw, *, sources: Mapping[str, Raw]) -> RemoteCandidate:
    """An `AtsCandidate`. `source` is the label of its `source_id`; `personal_url` (often a LinkedIn profile, per
    Factorial's help centre) is its one social link."""
    email = text(raw.get("email"))
    phone = text(raw.get("phone_number"))
    personal_url = text(raw.get("personal_url"))
    return RemoteCandidate(
        remote_id=str(remote_id(raw.get("id"))),
        first_name=text(raw.get("first_name")),
        last_name=text(raw.get("last_name")),
        source=source_label(raw.get("source_id"), sources),
        email_addresses=(EmailAddress(email_address=email),) if email else (),
        phone_numbers=(PhoneNumber(phone_number=phone),) if phone else (),
        social_media=(SocialMedia(link=personal_url),) if personal_url else (),
        remote_created_at=dt(raw.get("created_at")),
        remote_updated_at=dt(raw.get("updated_at")),
        remote_data=raw,
    )


def outcome(raw: Raw, phase: Raw | None) -> str:
    """Factorial's applications have no status field (reference B6): a rejection reason means DECLINED (by the
    company, or `decision_maker: candidate` for a withdrawal); a phase of type `hired` means HIRED; else PENDING."""
    if remote_id(raw.get("ats_rejection_reason_id")) is not None:
        return "DECLINED"
    if phase is not None and str(phase.get("phase_type") or "").lower() == HIRED_PHASE_TYPE:
        return "HIRED"
    return "PENDING"


def _choices(value: Any) -> list[str]:
    """A multiple-choice answer. Stored answers carry a string `value` (F-SDK AtsAnswer); how several choices are
    encoded in it is NOT FOUND in Factorial's docs. A JSON array is read as such, anything else as one choice."""
    if isinstance(value, list):
        return [str(item) for item in value]
    single = text(value)
    if single is None:
        return []
    if single.startswith("["):
        try:
            parsed = json.loads(single)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return [str(item) for item in parsed]
    return [single]


def screening_answer(raw: Raw) -> ScreeningAnswer | None:
    """An `AtsAnswer`. File answers are left out: the contract has no FILE answer, and their value is a signed
    download URL that changes with every read."""
    kind = str(raw.get("original_question_type") or "").lower()
    title = text(raw.get("original_question_label")) or ""
    question = remote_id(raw.get("ats_question_id"))
    value = raw.get("value")
    if kind in ("text", "long_text"):
        return ScreeningAnswer(question, title, "TEXT", text(value))
    if kind == "single_choice":
        return ScreeningAnswer(question, title, "SINGLE_SELECT", text(value))
    if kind == "multiple_choice":
        return ScreeningAnswer(question, title, "MULTI_SELECT", _choices(value))
    if kind == "file":
        return None
    return ScreeningAnswer(question, title, "UNKNOWN", value)


def application(
    raw: Raw,
    *,
    phases: Mapping[str, Raw],
    reasons: Mapping[str, Raw],
    answers: Sequence[Raw] = (),
    sources: Mapping[str, Raw],
) -> RemoteApplication:
    """An `AtsApplication`, with its phase (for the outcome), its rejection reason and its answers. Factorial keeps
    no rejection date and no update time on applications (only `created_at`, reference B7)."""
    phase_id = remote_id(raw.get("ats_application_phase_id"))
    reason_id = remote_id(raw.get("ats_rejection_reason_id"))
    reason = reasons.get(reason_id) if reason_id else None
    ordered = sorted(answers, key=lambda item: _numeric(item.get("id")))
    return RemoteApplication(
        remote_id=str(remote_id(raw.get("id"))),
        candidate_remote_id=str(remote_id(raw.get("ats_candidate_id"))),
        job_remote_id=remote_id(raw.get("ats_job_posting_id")),
        current_stage_remote_id=phase_id,
        outcome=outcome(raw, phases.get(phase_id) if phase_id else None),
        rejection_reason_remote_id=reason_id,
        rejection_reason_name=text(reason.get("reason")) if reason else None,
        source=source_label(raw.get("source_id"), sources),
        screening_question_answers=tuple(answer for item in ordered if (answer := screening_answer(item)) is not None),
        remote_created_at=dt(raw.get("created_at")),
        remote_data=raw,
    )


def cv_attachment_id(application_remote_id: str) -> str:
    return f"{application_remote_id}{CV_ATTACHMENT_SUFFIX}"


def cv_attachment(raw: Raw) -> RemoteAttachment | None:
    """The one file Factorial keeps on an application: its CV (`AtsApplication.cv`, F-SDK AtsApplicationCv). Its
    remote id is `<application id>:cv` (the CV has no id of its own); the signed URL is left out of remote_data."""
    cv = raw.get("cv")
    if not isinstance(cv, dict) or not cv.get("filename"):
        return None
    application_id = str(remote_id(raw.get("id")))
    created = dt(cv.get("created_at"))
    return RemoteAttachment(
        remote_id=cv_attachment_id(application_id),
        candidate_remote_id=str(remote_id(raw.get("ats_candidate_id"))),
        application_remote_id=application_id,
        file_name=text(cv.get("filename")),
        type="CV",
        content_type=text(cv.get("content_type")),
        remote_created_at=created,
        remote_updated_at=created,
        remote_data={key: value for key, value in cv.items() if key != "url"},
    )


def note(raw: Raw) -> RemoteNote:
    """An `AtsFeedback` (the closest thing to a note: free text, optionally tied to an application and a phase).
    Its author is not in the model (only the access ids it mentions). The text is plain: escaped for HTML."""
    description = text(raw.get("description"))
    created = dt(raw.get("created_at"))
    return RemoteNote(
        remote_id=str(remote_id(raw.get("id"))),
        candidate_remote_id=str(remote_id(raw.get("ats_candidate_id"))),
        application_remote_id=remote_id(raw.get("ats_application_id")),
        content_html=html.escape(description) if description else None,
        remote_created_at=created,
        remote_updated_at=created,
        remote_data=raw,
    )


# -- writes: our DTOs → Factorial request bodies --------------------------------------------------------------

# `gender` ∈ female, male, other, unanswered (F-SDK apply body).
GENDER = {"FEMALE": "female", "MALE": "male", "OTHER": "other"}


def file_object(attachment: AttachmentInput) -> Raw:
    """A file in a JSON body: `{"filename", "content_type", "content": base64}`.

    Factorial documents no upload at all: `AtsApplication.cv` is read-only in the docs and the apply / create
    bodies have no file field (reference B3 "attachments: NOT FOUND"). This is the shape the emulator accepts
    (`apps/connectors/factorial/emulator/applying.py`), the most plausible one next to the documented read model
    `AtsApplicationCv {filename, content_type, ...}`; check it against the real API before going live.
    """
    return {
        "filename": attachment.name,
        "content_type": attachment.content_type,
        "content": base64.b64encode(attachment.data).decode("ascii"),
    }


def answer_value(answer: ScreeningAnswerInput) -> Any:
    """An answer's `value` (F-SDK: "any"): text as is, a single choice as its option text (our option remote id),
    several choices as a list of texts, a file as a file object. Factorial has no number, date or yes/no
    questions; such values (only possible for questions we could not classify) go as text."""
    value = answer.value
    if isinstance(value, AttachmentInput):
        return file_object(value)
    if isinstance(value, tuple | list):
        return [str(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return value


def apply_body(
    application: CreateApplicationInput, *, job_id: int, source: str | None, cv: AttachmentInput | None
) -> Raw:
    """`POST /ats/applications/apply` (F-REPO AtsApplicationsApplyPostRequest; required: first_name, last_name,
    ats_job_posting_id, email). The GDPR consent goes as `consent_to_talent_pool`, Factorial's one consent flag."""
    candidate = application.candidate
    body: Raw = {
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "email": candidate.email_address,
        "ats_job_posting_id": job_id,
    }
    if candidate.phone_number:
        body["phone"] = candidate.phone_number
    if candidate.gender in GENDER:
        body["gender"] = GENDER[candidate.gender]
    if source:
        body["source"] = source
    consent = application.gdpr_consent
    if consent is not None and consent.given is not None:
        body["consent_to_talent_pool"] = consent.given
    answers = [
        {"ats_question_id": int(answer.question_remote_id), "value": answer_value(answer)}
        for answer in application.screening_answers
        if answer.question_remote_id.isdigit()
    ]
    if answers:
        body["answers"] = answers
    if cv is not None:
        body["cv"] = file_object(cv)
    return body
