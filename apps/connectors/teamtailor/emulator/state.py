"""The Teamtailor emulator's records and every state change (reference Part B, T-DOC resource pages).

Records keep Teamtailor's kebab-case attribute names only at render time (`jsonapi.py`); here they are plain
dataclasses. Every refusal is an `Invalid` (422) or `Missing` (404) with JSON:API wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import MissingRecord, StateError, ms

STAGE_TYPES = ("Inbox", "In process", "Hired")
JOB_STATUSES = ("open", "draft", "archived", "unlisted", "temp")
QUESTION_TYPES = ("Boolean", "Choice", "Text", "Range", "Video")

# `referring-site` is "friendly name parsed from referring-url (i.e. Facebook, Indeed etc)" (T-DOC). The doc pairs
# are `se.indeed.com` → "Indeed Sweden" and `www.teamtailor.com` → "Teamtailor"; a few well-known boards follow the
# same pattern. Assumed: an unknown host is shown as the host name without a leading `www.`.
KNOWN_SITES = {
    "se.indeed.com": "Indeed Sweden",
    "indeed.com": "Indeed",
    "www.indeed.com": "Indeed",
    "www.teamtailor.com": "Teamtailor",
    "teamtailor.com": "Teamtailor",
    "www.linkedin.com": "LinkedIn",
    "linkedin.com": "LinkedIn",
    "www.facebook.com": "Facebook",
    "facebook.com": "Facebook",
}


class Invalid(StateError):
    """422 Unprocessable Entity with the offending attribute as the JSON:API `source.pointer`."""

    status = 422

    def __init__(self, message: str, attribute: str | None = None, status: int = 422) -> None:
        super().__init__(message)
        self.attribute = attribute
        self.status = status


class Missing(MissingRecord):
    template = "The record identified by {identifier} could not be found."


def referring_site(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return None
    return KNOWN_SITES.get(host) or host.removeprefix("www.")


@dataclass
class Stage:
    id: int
    job_id: int
    name: str
    stage_type: str
    row_order: int
    created_at: datetime
    updated_at: datetime


@dataclass
class Question:
    id: int
    title: str
    question_type: str
    alternatives: list[str] = field(default_factory=list)
    multiple: bool = False
    single_line: bool = False
    start_with: int | None = None
    end_with: int | None = None
    unit: str | None = None


@dataclass
class PickedQuestion:
    id: int
    job_id: int
    question_id: int
    mandatory: bool


@dataclass
class Job:
    id: int
    title: str
    body: str
    status: str
    internal: bool
    remote_status: str
    created_at: datetime
    updated_at: datetime
    user_id: int | None = None
    resume_requirement: str = "optional"
    tags: list[str] = field(default_factory=list)


@dataclass
class Candidate:
    id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    created_at: datetime
    updated_at: datetime
    phone: str | None = None
    pitch: str | None = None
    linkedin_url: str | None = None
    resume: str | None = None
    referring_url: str | None = None
    sourced: bool = False
    tags: list[str] = field(default_factory=list)


@dataclass
class JobApplication:
    id: int
    candidate_id: int
    job_id: int
    stage_id: int
    created_at: datetime
    updated_at: datetime
    changed_stage_at: datetime
    cover_letter: str | None = None
    referring_url: str | None = None
    sourced: bool = False
    rejected_at: datetime | None = None
    reject_reason_id: int | None = None


@dataclass
class RejectReason:
    id: int
    reason: str
    rejected_by_company: bool


@dataclass
class User:
    id: int
    name: str
    email: str
    role: str
    title: str | None = None
    visible: bool = True


@dataclass
class Note:
    id: int
    candidate_id: int
    user_id: int | None
    note: str
    created_at: datetime
    updated_at: datetime


@dataclass
class Answer:
    id: int
    candidate_id: int
    question_id: int
    created_at: datetime
    updated_at: datetime
    boolean: bool | None = None
    choices: list[int] | None = None
    range: int | None = None
    text: str | None = None


@dataclass
class Upload:
    id: int
    candidate_id: int
    url: str
    file_name: str
    created_at: datetime
    job_id: int | None = None
    internal: bool = True


@dataclass
class JobOffer:
    """`/v1/job-offers` (T-3P Airbyte schema, reference B5). assumed: `status` ∈ draft, sent, answered and
    `response` ∈ accepted, declined once answered (the enums are NOT FOUND)."""

    id: int
    job_application_id: int
    user_id: int | None
    status: str
    created_at: datetime
    sent_at: datetime | None = None
    answered_at: datetime | None = None
    response: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


OFFER_STATUSES = ("draft", "sent", "answered")
OFFER_RESPONSES = ("accepted", "declined")


@dataclass
class State:
    clock: Clock
    jobs: dict[int, Job] = field(default_factory=dict)
    stages: dict[int, Stage] = field(default_factory=dict)
    questions: dict[int, Question] = field(default_factory=dict)
    picked_questions: dict[int, PickedQuestion] = field(default_factory=dict)
    candidates: dict[int, Candidate] = field(default_factory=dict)
    job_applications: dict[int, JobApplication] = field(default_factory=dict)
    reject_reasons: dict[int, RejectReason] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    notes: dict[int, Note] = field(default_factory=dict)
    answers: dict[int, Answer] = field(default_factory=dict)
    uploads: dict[int, Upload] = field(default_factory=dict)
    job_offers: dict[int, JobOffer] = field(default_factory=dict)
    next_id: int = 1000

    # ------------------------------------------------------------------ helpers
    def now(self) -> datetime:
        return ms(self.clock.now())

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def get(self, table: str, identifier: Any) -> Any:
        records: dict[int, Any] = getattr(self, table)
        try:
            return records[int(identifier)]
        except (KeyError, TypeError, ValueError):
            raise Missing(table, identifier) from None

    def job_stages(self, job_id: int) -> list[Stage]:
        return sorted((s for s in self.stages.values() if s.job_id == job_id), key=lambda s: (s.row_order, s.id))

    def job_picked(self, job_id: int) -> list[PickedQuestion]:
        return [p for p in self.picked_questions.values() if p.job_id == job_id]

    # ------------------------------------------------------------------ jobs
    def add_job(
        self,
        title: str,
        *,
        status: str = "open",
        internal: bool = False,
        body: str = "",
        stages: tuple[str, ...] = ("Screening", "Interview"),
    ) -> Job:
        if status not in JOB_STATUSES:
            raise Invalid(f"status - is not included in the list ({', '.join(JOB_STATUSES)})", "status")
        now = self.now()
        job = Job(self.new_id(), title, body, status, internal, "none", now, now)
        self.jobs[job.id] = job
        # "Each job has two default stages which can't be deleted or modified: Inbox ... Hired" (T-DOC).
        names = [("Inbox", "Inbox"), *((name, "In process") for name in stages), ("Hired", "Hired")]
        for order, (name, kind) in enumerate(names):
            stage = Stage(self.new_id(), job.id, name, kind, order * 1000 - 4194303, now, now)
            self.stages[stage.id] = stage
        return job

    def pick_question(self, job_id: int, question: Question, *, mandatory: bool) -> PickedQuestion:
        self.questions[question.id] = question
        picked = PickedQuestion(self.new_id(), job_id, question.id, mandatory)
        self.picked_questions[picked.id] = picked
        return picked

    # ------------------------------------------------------------------ candidates
    def create_candidate(self, attributes: dict[str, Any]) -> tuple[Candidate, bool]:
        """(candidate, created): `merge: true` returns the candidate with that email (T-DOC), updated."""
        email = _text(attributes.get("email"))
        sourced = attributes.get("sourced") is True
        if not email and not sourced:
            # "A unique `email` is a required attribute unless `sourced` is set to true" (T-DOC).
            raise Invalid("email - can't be blank", "email")
        existing = self.candidate_by_email(email) if email else None
        if existing is not None:
            if attributes.get("merge") is True:
                self.update_candidate(existing, {k: v for k, v in attributes.items() if k in _MERGED})
                return existing, False
            raise Invalid("email - has already been taken", "email")
        now = self.now()
        candidate = Candidate(self.new_id(), None, None, email, now, now, sourced=sourced)
        self.candidates[candidate.id] = candidate
        self._apply_candidate(candidate, attributes)
        return candidate, True

    def candidate_by_email(self, email: str) -> Candidate | None:
        wanted = email.strip().lower()
        return next((c for c in self.candidates.values() if (c.email or "").lower() == wanted), None)

    def update_candidate(self, candidate: Candidate, attributes: dict[str, Any]) -> Candidate:
        if "email" in attributes:
            email = _text(attributes["email"])
            other = self.candidate_by_email(email) if email else None
            if other is not None and other.id != candidate.id:
                raise Invalid("email - has already been taken", "email")
            candidate.email = email
        self._apply_candidate(candidate, attributes)
        candidate.updated_at = self.now()
        return candidate

    def _apply_candidate(self, candidate: Candidate, attributes: dict[str, Any]) -> None:
        for key, name in (
            ("first-name", "first_name"),
            ("last-name", "last_name"),
            ("phone", "phone"),
            ("pitch", "pitch"),
            ("linkedin-url", "linkedin_url"),
            ("referring-url", "referring_url"),
        ):
            if key in attributes:
                setattr(candidate, name, _text(attributes[key]))
        if "resume" in attributes:
            candidate.resume = _public_url(attributes["resume"], "resume")
        if "tags" in attributes:
            tags = attributes["tags"]
            if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
                raise Invalid("tags - must be an array of strings", "tags")
            candidate.tags = list(dict.fromkeys(tags))

    # ------------------------------------------------------------------ job applications
    def create_job_application(self, candidate_id: Any, job_id: Any, attributes: dict[str, Any]) -> JobApplication:
        if candidate_id is None:
            raise Invalid("candidate - must exist", "candidate")
        if job_id is None:
            raise Invalid("job - must exist", "job")
        candidate = self.get("candidates", candidate_id)
        job = self.get("jobs", job_id)
        if job.status in ("archived", "draft"):
            # Assumed: an archived or draft job takes no applications (not documented for API creates).
            raise Invalid("job - is not open for applications", "job")
        if any(a.candidate_id == candidate.id and a.job_id == job.id for a in self.job_applications.values()):
            raise Invalid("candidate - has already applied to this job", "candidate")  # 422 (T-3P teamtailorgo)
        inbox = next(s for s in self.job_stages(job.id) if s.stage_type == "Inbox")
        now = self.now()
        application = JobApplication(
            self.new_id(),
            candidate.id,
            job.id,
            inbox.id,
            now,
            now,
            now,
            cover_letter=_text(attributes.get("cover-letter")),
            referring_url=_text(attributes.get("referring-url")),
            sourced=attributes.get("sourced") is True,
        )
        self.job_applications[application.id] = application
        return application

    def update_job_application(
        self,
        application: JobApplication,
        attributes: dict[str, Any],
        stage_id: Any,
        reason_id: Any,
        *,
        stage_given: bool,
        reason_given: bool,
    ) -> JobApplication:
        now = self.now()
        if stage_given:
            stage = self.get("stages", stage_id)
            if stage.job_id != application.job_id:
                raise Invalid("stage - must belong to the application's job", "stage")
            if stage.id != application.stage_id:
                application.stage_id = stage.id
                application.changed_stage_at = now
        if reason_given:
            application.reject_reason_id = None if reason_id is None else self.get("reject_reasons", reason_id).id
        if "rejected-at" in attributes:
            raw = attributes["rejected-at"]
            application.rejected_at = None if raw is None else _time(raw, "rejected-at")
        if "cover-letter" in attributes:
            application.cover_letter = _text(attributes["cover-letter"])
        application.updated_at = now
        return application

    # ------------------------------------------------------------------ answers, notes, uploads
    def upsert_answer(self, candidate_id: Any, question_id: Any, attributes: dict[str, Any]) -> Answer:
        candidate = self.get("candidates", candidate_id)
        question = self.get("questions", question_id)
        if question.question_type == "Video" or "video-token" in attributes:
            raise Invalid("It is not possible to create file or video answers via API", "video-token")
        values: dict[str, Any] = {}
        kind = question.question_type
        if kind == "Boolean":
            value = attributes.get("boolean")
            if not isinstance(value, bool):
                raise Invalid("boolean - must be true or false", "boolean")
            values["boolean"] = value
        elif kind == "Choice":
            choices = attributes.get("choices")
            valid = range(len(question.alternatives))
            if (
                not isinstance(choices, list)
                or not choices
                or not all(isinstance(c, int) and c in valid for c in choices)
            ):
                raise Invalid("choices - must be indexes of the question's alternatives", "choices")
            if len(choices) > 1 and not question.multiple:
                raise Invalid("choices - only one choice is allowed", "choices")
            values["choices"] = list(choices)
        elif kind == "Range":
            value = attributes.get("range")
            low, high = question.start_with, question.end_with
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or (low is not None and value < low)
                or (high is not None and value > high)
            ):
                raise Invalid("range - must be a whole number within the question's range", "range")
            values["range"] = value
        else:
            value = attributes.get("text")
            if not isinstance(value, str) or not value.strip():
                raise Invalid("text - can't be blank", "text")
            values["text"] = value
        now = self.now()
        # "If the candidate already has answered the question, the answer will be updated" (T-DOC)
        answer = next(
            (a for a in self.answers.values() if a.candidate_id == candidate.id and a.question_id == question.id),
            None,
        )
        if answer is None:
            answer = Answer(self.new_id(), candidate.id, question.id, now, now)
            self.answers[answer.id] = answer
        for key, value in values.items():
            setattr(answer, key, value)
        answer.updated_at = now
        return answer

    def add_note(self, candidate_id: Any, user_id: Any, text: Any) -> Note:
        candidate = self.get("candidates", candidate_id)
        user = None if user_id is None else self.get("users", user_id)
        if not isinstance(text, str) or not text.strip():
            raise Invalid("note - can't be blank", "note")
        now = self.now()
        note = Note(self.new_id(), candidate.id, user.id if user else None, text, now, now)
        self.notes[note.id] = note
        return note

    def add_upload(self, candidate_id: Any, job_id: Any, attributes: dict[str, Any]) -> Upload:
        candidate = self.get("candidates", candidate_id)
        job = None if job_id is None else self.get("jobs", job_id)
        url = _public_url(attributes.get("url"), "url")
        name = _text(attributes.get("file-name")) or url.rsplit("/", 1)[-1]
        upload = Upload(
            self.new_id(),
            candidate.id,
            url,
            name,
            self.now(),
            job.id if job else None,
            internal=attributes.get("internal", True) is not False,
        )
        self.uploads[upload.id] = upload
        return upload

    def add_offer(self, application_id: Any, attributes: dict[str, Any], user_id: Any = None) -> JobOffer:
        """An offer made in Teamtailor's interface (the public API's job offers are read-only here, assumed)."""
        application = self.get("job_applications", application_id)
        status = str(attributes.get("status") or "sent")
        response = attributes.get("response")
        if status not in OFFER_STATUSES or (response is not None and response not in OFFER_RESPONSES):
            raise Invalid(f"status - {OFFER_STATUSES}, response - {OFFER_RESPONSES}", "status")
        now = self.now()
        offer = JobOffer(
            self.new_id(),
            application.id,
            None if user_id is None else self.get("users", user_id).id,
            status,
            now,
            sent_at=now if status != "draft" else None,
            answered_at=now if status == "answered" else None,
            response=response if status == "answered" else None,
            details=dict(attributes.get("details") or {}),
        )
        self.job_offers[offer.id] = offer
        return offer

    def delete(self, table: str, identifier: Any) -> None:
        record = self.get(table, identifier)
        del getattr(self, table)[record.id]
        if table == "candidates":
            for name in ("job_applications", "answers", "notes", "uploads"):
                records = getattr(self, name)
                for key in [k for k, v in records.items() if v.candidate_id == record.id]:
                    del records[key]
        for key in [k for k, v in self.job_offers.items() if v.job_application_id not in self.job_applications]:
            del self.job_offers[key]  # an offer goes with its job application


_MERGED = {"first-name", "last-name", "phone", "pitch", "linkedin-url", "resume", "tags"}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid("must be a string")
    return value.strip() or None


def _public_url(value: Any, attribute: str) -> str:
    # "A public `url` is required for the file" (T-DOC uploads): only http(s) URLs are taken.
    if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname:
        raise Invalid(f"{attribute} - must be a public http(s) URL", attribute)
    return value


def _time(value: Any, attribute: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"{attribute} - is not a valid date", attribute) from None
    if parsed.tzinfo is None:
        raise Invalid(f"{attribute} - needs a time zone", attribute)
    return ms(parsed)
