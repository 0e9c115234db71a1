"""Creating applications: `POST /ats/applications/apply`, `POST /ats/applications`, inline `answers[]`, the CV.

The CV. Factorial models one CV per application (`AtsApplication.cv {filename, url, byte_size, content_type,
created_at}`, F-SDK AtsApplicationCv), but no upload mechanism is documented: the apply and create bodies have no
file field and no upload endpoint exists in any API version (reference B3 "attachments: NOT FOUND"). The
emulator's choice, the most plausible JSON shape next to the documented read model:

    "cv": {"filename": "cv.pdf", "content_type": "application/pdf", "content": "<base64, RFC 4648>"}

accepted on `POST /ats/applications/apply`, `POST /ats/applications` and `PUT /ats/applications/{id}` (the last
replaces the CV). `content_type` may be left out when the file name's extension tells it. Accepted types and the
10 MB cap are in `state.CV_CONTENT_TYPES` / `state.CV_MAX_BYTES`. There is no other attachment: any other key
(e.g. `attachments`) is ignored, as Rails strong parameters ignore unpermitted keys.

Answers. Items `{ats_question_id*, value}` (F-SDK: `value` is "any"). Per question type: `text` / `long_text` a
string; `single_choice` one option text; `multiple_choice` a list of option texts (a single string is taken as a
one-item list); `file` a file object shaped like the CV above. Stored answers carry a string `value` (AtsAnswer):
multiple choices become a JSON array string (e.g. `["Python","Go"]`; the real encoding is NOT FOUND) and a file
answer's value is its download URL. Mandatory questions must be answered on apply (the candidate-facing flow);
`POST /ats/applications` (a recruiter adding someone) does not enforce them — both choices are ours.
A chosen option with `disqualifies: true` on an `auto_disqualify` question sets `qualified: false`.
"""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes
from dataclasses import dataclass
from typing import Any

from apps.connectors.factorial.emulator.inputs import (
    optional_bool,
    optional_email,
    optional_enum,
    optional_text,
    required_text,
)
from apps.connectors.factorial.emulator.model import (
    AUTHOR_TYPES,
    CV_CONTENT_TYPES,
    CV_MAX_BYTES,
    GENDERS,
    Answer,
    Application,
    Candidate,
    Invalid,
    JobPosting,
    Question,
    optional_id,
    to_id,
)
from apps.connectors.factorial.emulator.state import State


@dataclass(frozen=True)
class DecodedFile:
    filename: str
    content_type: str
    content: bytes

    def as_tuple(self) -> tuple[str, str, bytes]:
        return (self.filename, self.content_type, self.content)


@dataclass(frozen=True)
class ParsedAnswer:
    question: Question
    value: str | None
    file: DecodedFile | None
    disqualifies: bool


def decode_file(value: Any, name: str) -> DecodedFile:
    """`{"filename", "content_type"?, "content": base64}` → bytes, checked against the accepted CV formats."""
    if not isinstance(value, dict):
        raise Invalid('must be an object {"filename", "content_type", "content"}', name)
    filename = value.get("filename")
    if not isinstance(filename, str) or not filename.strip():
        raise Invalid("can't be blank", f"{name}.filename")
    encoded = value.get("content")
    if not isinstance(encoded, str) or not encoded.strip():
        raise Invalid("can't be blank", f"{name}.content")
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("must be base64 encoded", f"{name}.content") from None
    if not content:
        raise Invalid("is empty", f"{name}.content")
    if len(content) > CV_MAX_BYTES:
        raise Invalid(f"is too large (at most {CV_MAX_BYTES // (1024 * 1024)} MB)", f"{name}.content")
    content_type = value.get("content_type")
    if content_type is None:
        content_type = mimetypes.guess_type(filename)[0]
    if not isinstance(content_type, str) or content_type.lower() not in CV_CONTENT_TYPES:
        allowed = ", ".join(sorted(set(CV_CONTENT_TYPES.values())))
        raise Invalid(f"file type not accepted (accepted: {allowed})", f"{name}.content_type")
    return DecodedFile(filename.strip(), content_type.lower(), content)


def decode_cv(value: Any) -> DecodedFile | None:
    return None if value is None else decode_file(value, "cv")


def parse_answers(state: State, job: JobPosting, raw: Any, *, enforce_mandatory: bool) -> list[ParsedAnswer]:
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise Invalid("must be an array", "answers")
    questions = {question.id: question for question in state.questions_of(job.id)}
    parsed: list[ParsedAnswer] = []
    seen: set[int] = set()
    for index, item in enumerate(raw):
        name = f"answers[{index}]"
        if not isinstance(item, dict):
            raise Invalid("must be an object {ats_question_id, value}", name)
        if item.get("ats_question_id") is None:
            raise Invalid("can't be blank", f"{name}.ats_question_id")
        question_id = to_id(item["ats_question_id"], f"{name}.ats_question_id")
        question = questions.get(question_id)
        if question is None:
            raise Invalid(f"question {question_id} does not belong to job posting {job.id}", f"{name}.ats_question_id")
        if question_id in seen:
            raise Invalid(f"question {question_id} is answered twice", f"{name}.ats_question_id")
        seen.add(question_id)
        answer = _parse_value(question, item.get("value"), f"{name}.value")
        if answer is not None:
            parsed.append(answer)
    if enforce_mandatory:
        answered = {answer.question.id for answer in parsed}
        missing = [q.id for q in sorted(questions.values(), key=lambda q: q.position) if q.mandatory]
        missing = [question_id for question_id in missing if question_id not in answered]
        if missing:
            listed = ", ".join(str(question_id) for question_id in missing)
            raise Invalid(f"mandatory questions are not answered: {listed}", "answers")
    return parsed


def _parse_value(question: Question, value: Any, name: str) -> ParsedAnswer | None:
    """None when the value is blank (an unanswered optional question)."""
    if value is None or value == "" or value == []:
        return None
    kind = question.question_type
    if kind == "file":
        return ParsedAnswer(question, None, decode_file(value, name), False)
    if kind in ("text", "long_text"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise Invalid("must be a string", name)
        return ParsedAnswer(question, value, None, False)
    options = {option.text: option for option in question.options}
    if kind == "single_choice":
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if not isinstance(value, str) or value not in options:
            raise Invalid(f"must be one of {', '.join(options)}", name)
        return ParsedAnswer(question, value, None, options[value].disqualifies)
    chosen = [value] if isinstance(value, str) else value
    if not isinstance(chosen, list) or not all(isinstance(item, str) for item in chosen):
        raise Invalid("must be an array of option texts", name)
    unknown = [item for item in chosen if item not in options]
    if unknown:
        raise Invalid(f"unknown options {', '.join(unknown)} (options: {', '.join(options)})", name)
    chosen = list(dict.fromkeys(chosen))
    disqualifies = any(options[item].disqualifies for item in chosen)
    return ParsedAnswer(question, json.dumps(chosen, ensure_ascii=False), None, disqualifies)


def _store(state: State, application: Application, cv: DecodedFile | None, answers: list[ParsedAnswer]) -> None:
    if cv is not None:
        application.cv = state.store_file(*cv.as_tuple(), when=application.created_at)
    for parsed in answers:
        stored = state.store_file(*parsed.file.as_tuple(), when=application.created_at) if parsed.file else None
        question = parsed.question
        answer = Answer(
            id=state.next_id("answers"),
            application_id=application.id,
            question_id=question.id,
            original_question_label=question.label,
            original_question_type=question.question_type,
            value=parsed.value,
            created_at=application.created_at,
            updated_at=application.created_at,
            file=stored,
        )
        state.answers[answer.id] = answer
        if parsed.disqualifies and question.auto_disqualify:
            application.qualified = False


def apply(state: State, body: dict[str, Any]) -> tuple[Candidate, Application]:
    """POST /ats/applications/apply: required first_name, last_name, ats_job_posting_id, email (F-REPO
    AtsApplicationsApplyPostRequest). Creates the candidate and the application in one call.

    An email that already belongs to a candidate reuses that candidate (one person, one candidate) and leaves
    its source, medium and details untouched; a second application of one candidate to one posting is refused.
    Both are our reading — the docs do not say what apply does with a known email."""
    first_name = required_text(body, "first_name")
    last_name = required_text(body, "last_name")
    if body.get("ats_job_posting_id") is None:
        raise Invalid("can't be blank", "ats_job_posting_id")
    email = optional_email(body, "email")
    if email is None:
        raise Invalid("can't be blank", "email")
    if body.get("company_id") is not None:
        state.check_company(body["company_id"])
    job = state.open_job(body["ats_job_posting_id"], for_apply=True)
    phone = optional_text(body, "phone")
    cover_letter = optional_text(body, "cover_letter")
    source = optional_text(body, "source")
    medium = optional_text(body, "medium")
    gender = optional_enum(body, "gender", GENDERS)
    consent = optional_bool(body, "consent_to_talent_pool", False)
    cv = decode_cv(body.get("cv"))
    # The posting's requirements describe its apply form (F-SDK AtsJobPosting `*_requirement`).
    if job.cv_requirement == "mandatory" and cv is None:
        raise Invalid("is mandatory for this job posting", "cv")
    if job.cover_letter_requirement == "mandatory" and cover_letter is None:
        raise Invalid("is mandatory for this job posting", "cover_letter")
    if job.phone_requirement == "mandatory" and phone is None:
        raise Invalid("is mandatory for this job posting", "phone")
    answers = parse_answers(state, job, body.get("answers"), enforce_mandatory=True)
    candidate = state.find_candidate_by_email(email)
    if candidate is not None and any(state.applications[a].job_posting_id == job.id for a in candidate.application_ids):
        raise Invalid(f"{email} has already applied to job posting {job.id}", "email")
    now = state.now()
    if candidate is None:
        candidate = Candidate(
            id=state.next_id("candidates"),
            first_name=first_name,
            last_name=last_name,
            created_at=now,
            updated_at=now,
            email=email,
            phone_number=phone,
            consent_to_talent_pool=consent,
            consent_given_at=now if consent else None,
            gender=gender,
            source=source,
            source_id=state.resolve_source(source),
            medium=medium,
        )
        state.candidates[candidate.id] = candidate
    application = state.add_application(
        candidate,
        job,
        phase=None,
        phone=phone,
        cover_letter=cover_letter,
        source=source,
        medium=medium,
        consent_to_talent_pool=consent,
        when=now,
    )
    _store(state, application, cv, answers)
    return candidate, application


def create_application(state: State, body: dict[str, Any]) -> Application:
    """POST /ats/applications for an existing candidate; required ats_job_posting_id (F-REPO
    AtsApplicationsPostRequest). `ats_candidate_id` is optional in the SDK, but an application needs a person:
    a missing one is refused (our choice). The candidate's own source is not changed."""
    if body.get("ats_job_posting_id") is None:
        raise Invalid("can't be blank", "ats_job_posting_id")
    job = state.open_job(body["ats_job_posting_id"], for_apply=False)
    candidate_id = optional_id(body.get("ats_candidate_id"), "ats_candidate_id")
    if candidate_id is None:
        raise Invalid("can't be blank", "ats_candidate_id")
    candidate = state.candidates.get(candidate_id)
    if candidate is None:
        raise Invalid(f"candidate {candidate_id} does not exist", "ats_candidate_id")
    phase = None
    if body.get("ats_application_phase_id") is not None:
        phase = state.phase_for(job, body["ats_application_phase_id"], "ats_application_phase_id")
    author_type = optional_enum(body, "author_type", AUTHOR_TYPES)
    author_id = optional_id(body.get("author_id"), "author_id")
    phone = optional_text(body, "phone")
    cover_letter = optional_text(body, "cover_letter")
    source = optional_text(body, "source")
    medium = optional_text(body, "medium")
    consent = body.get("consent_to_talent_pool")
    consent = None if consent is None else optional_bool(body, "consent_to_talent_pool", False)
    cv = decode_cv(body.get("cv"))
    answers = parse_answers(state, job, body.get("answers"), enforce_mandatory=False)
    application = state.add_application(
        candidate,
        job,
        phase=phase,
        phone=phone,
        cover_letter=cover_letter,
        source=source,
        medium=medium,
        consent_to_talent_pool=consent,
        author_id=author_id,
        author_type=author_type,
    )
    _store(state, application, cv, answers)
    return application
