"""The Application API's apply: screening-answer validation (with conditional questions) and base64 files.

`POST /postings/{uuid}/candidates` (SR-DOC https://developers.smartrecruiters.com/docs/post-an-application).
Documented messages: "The following screening questions are required: <ids>." and "Values for the following
screening questions' answers are incorrect: <ids>." The JSON shape of one answer record is NOT confirmed by
the docs (reference A5 caveat): we accept `{"fields": {fieldId: [values]}}` (mirroring the read-side
`AnswerRecord{fields}`) and, leniently, the flat `{fieldId: [values]}`.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from apps.connectors.emulation.records import StateError
from apps.connectors.smartrecruiters.emulator.model import (
    APPLY_ATTACHMENT_MAX_BYTES,
    TEXT_ANSWER_MAX_BYTES,
    Application,
    Candidate,
    Invalid,
    Job,
    Posting,
    ScreeningField,
    ScreeningQuestion,
)
from apps.connectors.smartrecruiters.emulator.state import State

# "PDF/DOC(X)/RTF/JPG/PNG" (SR-DOC post-an-application).
ALLOWED_MIME_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/rtf",
        "text/rtf",
        "image/jpeg",
        "image/png",
    }
)
CONSENT_KEYS = frozenset({"SMART_RECRUIT", "SMART_CRM", "SMART_MESSAGE_SMS", "SMART_MESSAGE_WHATSAPP"})


class ApplyError(StateError):
    """An Application API failure: rendered as `{"id", "code", "message"}` (SR-RB apply_api_error.rb)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class DecodedFile:
    name: str
    mime_type: str
    content: bytes


def active_questions(posting: Posting, answers: dict[str, list[dict[str, list[str]]]]) -> list[ScreeningQuestion]:
    """Questions the candidate must see: all but conditional ones whose trigger is not answered."""
    children = {qid for conditional in posting.conditionals for qid in conditional.questions}
    by_id = {question.id: question for question in posting.questions}
    shown: set[str] = {question.id for question in posting.questions if question.id not in children}
    changed = True
    while changed:  # conditionals may chain; repeat until stable
        changed = False
        for conditional in posting.conditionals:
            if conditional.parent_question_id not in shown:
                continue
            chosen = {
                value
                for record in answers.get(conditional.parent_question_id, [])
                for value in record.get(conditional.field_id, [])
            }
            if chosen & set(conditional.value_ids):
                for qid in conditional.questions:
                    if qid in by_id and qid not in shown:
                        shown.add(qid)
                        changed = True
    return [question for question in posting.questions if question.id in shown]


def _normalize_answers(raw: Any) -> dict[str, list[dict[str, list[str]]]]:
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise ApplyError(400, "INVALID_INPUT", "answers: must be an array")
    normalized: dict[str, list[dict[str, list[str]]]] = {}
    for index, answer in enumerate(raw):
        if not isinstance(answer, dict) or not isinstance(answer.get("id"), str):
            raise ApplyError(400, "INVALID_INPUT", f"answers[{index}].id: must not be null")
        records = answer.get("records")
        if not isinstance(records, list):
            raise ApplyError(400, "INVALID_INPUT", f"answers[{index}].records: must not be null")
        parsed = []
        for record in records:
            fields = record.get("fields", record) if isinstance(record, dict) else None
            if not isinstance(fields, dict):
                raise ApplyError(400, "INVALID_INPUT", f"answers[{index}].records: each record must be an object")
            parsed.append(
                {
                    str(field_id): [str(value) for value in (values if isinstance(values, list) else [values])]
                    for field_id, values in fields.items()
                }
            )
        normalized[answer["id"]] = parsed
    return normalized


def _field_answer_ok(field: ScreeningField, values: list[str]) -> bool:
    if field.type == "INFORMATION":
        return True
    allowed = {value_id for value_id, _ in field.values}
    if field.type in ("INPUT_TEXT", "TEXTAREA"):
        return len(values) <= 1 and all(len(value.encode("utf-8")) <= TEXT_ANSWER_MAX_BYTES for value in values)
    if field.type in ("SINGLE_SELECT", "RADIO"):
        return len(values) <= 1 and all(value in allowed for value in values)
    if field.type == "MULTI_SELECT" or (field.type == "CHECKBOX" and allowed):
        return len(set(values)) == len(values) and all(value in allowed for value in values)
    if field.type == "CHECKBOX":
        return len(values) <= 1 and all(value in ("true", "false") for value in values)
    return False


def _field_filled(field: ScreeningField, values: list[str]) -> bool:
    if field.type == "CHECKBOX" and not field.values:
        return values == ["true"]  # a required consent box must be ticked
    return any(value.strip() for value in values)


def validate_answers(posting: Posting, raw_answers: Any) -> list[dict[str, Any]]:
    """Check answers against the posting's questions; returns them normalized for storage."""
    answers = _normalize_answers(raw_answers)
    known = {question.id: question for question in posting.questions}
    shown = active_questions(posting, answers)
    shown_ids = {question.id for question in shown}
    incorrect: list[str] = [qid for qid in answers if qid not in known]
    required: list[str] = []
    for question in shown:
        records = answers.get(question.id, [])
        if len(records) > 1 and not question.repeatable:
            incorrect.append(question.id)
            continue
        fields = {field.id: field for field in question.fields}
        if any(field_id not in fields for record in records for field_id in record):
            incorrect.append(question.id)
            continue
        if any(not _field_answer_ok(fields[fid], values) for record in records for fid, values in record.items()):
            incorrect.append(question.id)
            continue
        needed = [field for field in question.fields if field.required and field.type != "INFORMATION"]
        if needed and (
            not records
            or any(not _field_filled(field, record.get(field.id, [])) for record in records for field in needed)
        ):
            required.append(question.id)
    if required:
        raise ApplyError(
            400, "DATA_VALIDATION_ERROR", f"The following screening questions are required: {', '.join(required)}."
        )
    if incorrect:
        raise ApplyError(
            400,
            "DATA_VALIDATION_ERROR",
            f"Values for the following screening questions' answers are incorrect: {', '.join(incorrect)}.",
        )
    # Answers to questions the candidate never saw (untriggered conditionals) are dropped.
    return [{"id": qid, "records": records} for qid, records in answers.items() if qid in shown_ids]


def decode_file(raw: Any, name: str) -> DecodedFile:
    if not isinstance(raw, dict):
        raise ApplyError(400, "INVALID_INPUT", f"{name}: must be an object")
    file_name, mime_type, content = raw.get("fileName"), raw.get("mimeType"), raw.get("fileContent")
    if not isinstance(file_name, str) or not file_name or not isinstance(content, str):
        raise ApplyError(400, "INVALID_INPUT", f"{name}: fileName and fileContent are required")
    if mime_type not in ALLOWED_MIME_TYPES:
        raise ApplyError(400, "FILE_UPLOAD_ERROR", f"{name}: file type {mime_type} is not allowed")
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise ApplyError(400, "FILE_UPLOAD_ERROR", f"{name}: fileContent is not valid base64") from None
    if len(data) > APPLY_ATTACHMENT_MAX_BYTES:
        raise ApplyError(400, "FILE_UPLOAD_ERROR", f"{name}: file is larger than 2 MB")
    return DecodedFile(file_name, mime_type, data)


def _consent_ok(value: Any) -> bool:
    if value is None:
        return True
    if not isinstance(value, dict) or not value or not all(isinstance(item, bool) for item in value.values()):
        return False
    keys = set(value)
    return keys == {"SINGLE"} or (keys <= CONSENT_KEYS)


def apply(state: State, job: Job, posting: Posting, body: dict[str, Any]) -> tuple[Candidate, Application]:
    """Validate everything first, then write: a failed apply leaves no trace."""
    for key in ("firstName", "lastName", "email"):
        if not isinstance(body.get(key), str) or not body[key].strip():
            raise ApplyError(400, "INVALID_INPUT", f"{key}: must not be empty")
    if "@" not in body["email"]:
        raise ApplyError(400, "INVALID_INPUT", "email: must be a well-formed email address")
    if not _consent_ok(body.get("consentDecisions")):
        raise ApplyError(400, "INVALID_INPUT", "consentDecisions: invalid consent decisions")
    answers = validate_answers(posting, body.get("answers"))
    resume = decode_file(body["resume"], "resume") if body.get("resume") is not None else None
    raw_attachments = body.get("attachments") or []
    if not isinstance(raw_attachments, list):
        raise ApplyError(400, "INVALID_INPUT", "attachments: must be an array")
    attachments = [decode_file(item, f"attachments[{i}]") for i, item in enumerate(raw_attachments)]
    try:
        source = state.resolve_source(body.get("sourceDetails"))
        existing = state.find_candidate_by_email(body["email"])
        if existing is not None and any(state.applications[a].job_id == job.id for a in existing.application_ids):
            raise ApplyError(409, "INVALID_REQUEST", "Candidate has already applied to this posting")
        candidate, application = state.create_candidate(body, job=job, source=source)
    except Invalid as exc:
        raise ApplyError(exc.status, "INVALID_INPUT", exc.message) from None
    assert application is not None
    application.answers = answers
    application.message_to_hiring_manager = body.get("messageToHiringManager")
    if body.get("consentDecisions"):
        candidate.consent_status = "ACQUIRED" if any(body["consentDecisions"].values()) else "REQUIRED"
    files = [(resume, "RESUME")] if resume else []
    files += [(item, "GENERIC_FILE") for item in attachments]
    for decoded, kind in files:
        state.add_attachment(
            candidate,
            job_id=job.id,
            name=decoded.name,
            type_=kind,
            content_type=decoded.mime_type,
            content=decoded.content,
        )
    return candidate, application
