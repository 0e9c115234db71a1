"""The Factorial emulator's in-memory company: records, enums and every state change of the ATS API.

Nothing here knows about HTTP. Mutations raise `Invalid` (a 422, or a 400 for a malformed body) or `Missing`
(a 404). Ids are integers, allocated per table in ascending order, so every dict here iterates in id order
(the API sorts by id ascending). Every change to a candidate or one of its applications moves the candidate's
`updated_at` (applications only carry `created_at`, reference B7).
Reference: /work/shared/reference/ats-smartrecruiters-factorial.md Part B (F-SDK = PyPI `factorial-api-client`,
F-REPO = GitHub factorialco/factorial-api-sdks, the official SDK sources and vendored apidoc guides).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import StateError, ms
from apps.connectors.emulation.records import fmt as fmt  # re-exported: the renderers format times with it

# -- enums (F-SDK models; reference B5) ---------------------------------------------------------------
JOB_STATUSES = ("archived", "cancelled", "deleted", "draft", "published", "unlisted")
# Applying is only possible while candidates can see the posting. NOT FOUND in the docs; our plausible choice.
APPLY_OPEN_STATUSES = ("published", "unlisted")
REQUIREMENTS = ("do_not_ask", "mandatory", "optional")
REQUIREMENT_FIELDS = (
    "cv_requirement",
    "cover_letter_requirement",
    "phone_requirement",
    "photo_requirement",
    "personal_url_requirement",
)
WORKPLACE_TYPES = ("hybrid", "onsite", "remote")
SCHEDULE_TYPES = ("full_time", "part_time")
SALARY_FORMATS = ("fixed_amount", "range")
SALARY_PERIODS = ("annual", "daily", "monthly")
JOB_CATEGORIES = (
    "administration_and_secretariat",
    "design_and_architecture",
    "education_and_social_policy",
    "engineering",
    "finance",
    "hr",
    "it",
    "legal",
    "management_and_consulting",
    "marketing_and_communication",
    "nursing_and_therapy",
    "other",
    "physicians",
    "public_sector",
    "sales",
    "sciences_and_research",
    "service_industry_and_manufacturing",
    "sports_art_and_creative_jobs",
)
CONTRACT_TYPES = (
    "alternant",
    "apprendistato",
    "apprenticeship",
    "apprentissage",
    "a_tempo_parcial",
    "a_termo_certo",
    "a_termo_incerto",
    "clt",
    "com_pluralidade_de_empregadores",
    "de_curta_duracao",
    "de_muita_curta_duracao",
    "estagio",
    "fixed_discontinued",
    "freelance",
    "indefinite",
    "interim",
    "intern",
    "jovem_aprendiz",
    "minijob",
    "other",
    "per_hour",
    "pj",
    "pre_reforma",
    "promessa_de_trabalho",
    "recibos_verdes",
    "sem_termo",
    "teletrabalho",
    "temporary",
    "training",
    "vendor_contractor",
    "volunteer",
    "werkstudent",
)
PHASE_TYPES = ("assessment", "hired", "initial", "interview", "normal", "offer", "screening")
HIRING_STAGE_NAMES = ("new", "screening", "assessment", "interview", "offer", "hired")
QUESTION_TYPES = ("file", "long_text", "multiple_choice", "single_choice", "text")
# POST /ats/answers takes no `file` answers (F-SDK post answers body enum).
ANSWER_CREATE_TYPES = ("long_text", "multiple_choice", "single_choice", "text")
SOURCE_CATEGORIES = (
    "agency_or_external_recruiter",
    "event",
    "internal",
    "job_board",
    "manually_added",
    "organic",
    "referral",
    "social_media",
    "system",
)
DECISION_MAKERS = ("candidate", "company")
GENDERS = ("female", "male", "other", "unanswered")
AUTHOR_TYPES = ("access", "company", "user")

# CV upload (our mechanism, see `applying.py`): the size cap and the accepted file types are NOT FOUND in the
# docs; these are the usual CV formats of Factorial's career page and a 10 MB cap.
CV_MAX_BYTES = 10 * 1024 * 1024
CV_CONTENT_TYPES = {
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/rtf": ".rtf",
    "text/plain": ".txt",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}


class Invalid(StateError):
    """Bad input: a 422 (semantic validation) or 400 (malformed request). `field` names the offending key."""

    def __init__(self, message: str, field: str | None = None, *, status: int = 422) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.reason = message
        self.field = field
        self.status = status


class Missing(StateError):
    """An addressed record does not exist: a 404 (ActiveRecord's wording)."""

    status = 404

    def __init__(self, model: str, identifier: Any) -> None:
        super().__init__(f"Couldn't find {model} with 'id'={identifier}")
        self.model = model
        self.identifier = identifier


def parse_time(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise Invalid("must be an ISO-8601 date-time", name)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("must be an ISO-8601 date-time, e.g. 2024-05-01T00:00:00Z", name) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def to_id(value: Any, name: str) -> int:
    """An id from a body or filter: the API declares ids as strings (OAS 2026-10-01) while every example and the
    older reference use integers (reference B2), so both `5` and `"5"` are accepted."""
    if isinstance(value, bool):
        raise Invalid("must be an id", name)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise Invalid("must be an id", name)


def optional_id(value: Any, name: str) -> int | None:
    return None if value is None or value == "" else to_id(value, name)


def path_id(raw: str, model: str) -> int:
    """A path id that is not a number names no record: a 404, as a Rails `find` would answer."""
    if not raw.strip().isdigit():
        raise Missing(model, raw)
    return int(raw)


# -- records --------------------------------------------------------------------------------------------
@dataclass
class Employee:
    id: int
    access_id: int
    first_name: str
    last_name: str
    email: str
    created_at: datetime
    updated_at: datetime
    location_id: int
    role: str = "basic"  # the credential's `role` (admin / basic); values NOT FOUND beyond the doc example
    manager_id: int | None = None
    terminated_on: datetime | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class HiringStage:
    """A company-wide stage category (`/ats/hiring_stages`)."""

    id: int
    name: str
    label: str
    position: int


@dataclass
class Phase:
    """A job posting's pipeline step (`/ats/application_phases`)."""

    id: int
    job_posting_id: int
    name: str
    position: int
    phase_type: str
    hiring_stage_id: int
    editable: bool = True


@dataclass
class JobPosting:
    id: int
    title: str
    status: str
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    contract_type: str | None = None
    category: str | None = None
    workplace_type: str | None = None
    remote: bool = False
    schedule_type: str | None = None
    team_id: int | None = None
    location_id: int | None = None
    legal_entity_id: int | None = None
    salary_format: str | None = None
    salary_from_amount_in_cents: int | None = None
    salary_to_amount_in_cents: int | None = None
    hide_salary: bool = False
    cv_requirement: str = "optional"
    cover_letter_requirement: str = "optional"
    phone_requirement: str = "optional"
    photo_requirement: str = "do_not_ask"
    personal_url_requirement: str = "do_not_ask"
    salary_period: str = "annual"
    published_at: datetime | None = None

    @property
    def slug(self) -> str:
        return f"{re.sub(r'[^a-z0-9]+', '-', self.title.lower()).strip('-')}-{self.id}"


@dataclass
class QuestionOption:
    text: str
    disqualifies: bool = False


@dataclass
class Question:
    id: int
    job_posting_id: int
    label: str
    position: int
    question_type: str
    mandatory: bool
    auto_disqualify: bool
    created_at: datetime
    updated_at: datetime
    options: list[QuestionOption] = field(default_factory=list)


@dataclass
class CandidateSource:
    """An entry of the read-only source catalogue. Default sources have snake_case names and a translated label;
    custom ones (created in the UI, here: the control endpoint) have label = name (F-SDK AtsCandidateSource)."""

    id: int
    category: str
    name: str
    label: str
    custom: bool = False


@dataclass
class RejectionReason:
    id: int
    reason: str
    decision_maker: str
    created_at: datetime
    updated_at: datetime


@dataclass
class StoredFile:
    """A file blob (a CV or a `file` question's answer), downloadable at its signed URL."""

    signed_id: str
    filename: str
    content_type: str
    content: bytes
    created_at: datetime


@dataclass
class Candidate:
    id: int
    first_name: str
    last_name: str
    created_at: datetime
    updated_at: datetime
    email: str | None = None
    phone_number: str | None = None
    talent_pool: bool = False
    consent_given_at: datetime | None = None
    consent_expiration_date: datetime | None = None
    consent_to_talent_pool: bool = False
    inactive_since: datetime | None = None
    personal_url: str | None = None
    gender: str | None = None
    score: float | None = None
    # The written `source` string as sent (not returned by the API) and the catalogue entry it resolved to.
    source: str | None = None
    source_id: int | None = None
    medium: str | None = None
    application_ids: list[int] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class PhaseChange:
    changed_at: datetime
    phase_id: int


@dataclass
class Application:
    id: int
    job_posting_id: int
    candidate_id: int
    created_at: datetime
    phase_id: int
    phone: str | None = None
    qualified: bool = True
    cover_letter: str | None = None
    cv: StoredFile | None = None
    conversation_id: int | None = None
    source: str | None = None
    source_id: int | None = None
    medium: str | None = None
    rejection_reason_id: int | None = None
    disqualified_reason: str | None = None
    employee_id: int | None = None
    author_id: int | None = None
    author_type: str | None = None
    consent_to_talent_pool: bool | None = None
    tag_ids: list[int] = field(default_factory=list)
    history: list[PhaseChange] = field(default_factory=list)  # not in the API (no stage history, B3)


@dataclass
class Answer:
    id: int
    application_id: int
    question_id: int | None
    original_question_label: str
    original_question_type: str
    value: str | None
    created_at: datetime
    updated_at: datetime
    file: StoredFile | None = None


@dataclass
class Feedback:
    id: int
    candidate_id: int
    created_at: datetime
    application_id: int | None = None
    phase_id: int | None = None
    rating: int | None = None
    description: str | None = None
    evaluation_form_id: int | None = None
    mention_ids: list[int] = field(default_factory=list)


# -- the company ----------------------------------------------------------------------------------------
TABLES = (
    "employees",
    "hiring_stages",
    "phases",
    "job_postings",
    "questions",
    "candidate_sources",
    "rejection_reasons",
    "candidates",
    "applications",
    "answers",
    "feedbacks",
)


class State:
    """All records of one emulated Factorial company."""

    def __init__(self, *, company_id: int, company_name: str, clock: Clock, seed: int | str = 0) -> None:
        self.company_id = company_id
        self.company_name = company_name
        self.clock = clock
        self._rng = random.Random(f"factorial-files-{seed}")
        self._next: dict[str, int] = dict.fromkeys(TABLES, 1)
        self.employees: dict[int, Employee] = {}
        self.hiring_stages: dict[int, HiringStage] = {}
        self.phases: dict[int, Phase] = {}
        self.job_postings: dict[int, JobPosting] = {}
        self.questions: dict[int, Question] = {}
        self.candidate_sources: dict[int, CandidateSource] = {}
        self.rejection_reasons: dict[int, RejectionReason] = {}
        self.candidates: dict[int, Candidate] = {}
        self.applications: dict[int, Application] = {}
        self.answers: dict[int, Answer] = {}
        self.feedbacks: dict[int, Feedback] = {}
        self.files: dict[str, StoredFile] = {}  # by signed id
        self.owner_employee_id: int | None = None  # the admin who approves OAuth (user tokens act as them)

    def now(self) -> datetime:
        return ms(self.clock.now())

    def next_id(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value

    # -- lookups -----------------------------------------------------------------------------------------
    def _get(self, table: dict[int, Any], identifier: int, model: str) -> Any:
        record = table.get(identifier)
        if record is None:
            raise Missing(model, identifier)
        return record

    def job_posting(self, identifier: int) -> JobPosting:
        return self._get(self.job_postings, identifier, "Ats::JobPosting")

    def phase(self, identifier: int) -> Phase:
        return self._get(self.phases, identifier, "Ats::ApplicationPhase")

    def candidate(self, identifier: int) -> Candidate:
        return self._get(self.candidates, identifier, "Ats::Candidate")

    def application(self, identifier: int) -> Application:
        return self._get(self.applications, identifier, "Ats::Application")

    def question(self, identifier: int) -> Question:
        return self._get(self.questions, identifier, "Ats::Question")

    def answer(self, identifier: int) -> Answer:
        return self._get(self.answers, identifier, "Ats::Answer")

    def feedback(self, identifier: int) -> Feedback:
        return self._get(self.feedbacks, identifier, "Ats::Feedback")

    def candidate_source(self, identifier: int) -> CandidateSource:
        return self._get(self.candidate_sources, identifier, "Ats::CandidateSource")

    def rejection_reason(self, identifier: int) -> RejectionReason:
        return self._get(self.rejection_reasons, identifier, "Ats::RejectionReason")

    def hiring_stage(self, identifier: int) -> HiringStage:
        return self._get(self.hiring_stages, identifier, "Ats::HiringStage")

    def employee(self, identifier: int) -> Employee:
        return self._get(self.employees, identifier, "Employees::Employee")

    def phases_of(self, job_posting_id: int) -> list[Phase]:
        return sorted(
            (phase for phase in self.phases.values() if phase.job_posting_id == job_posting_id),
            key=lambda phase: (phase.position, phase.id),
        )

    def questions_of(self, job_posting_id: int) -> list[Question]:
        return [question for question in self.questions.values() if question.job_posting_id == job_posting_id]

    def answers_of(self, application_id: int) -> list[Answer]:
        return [answer for answer in self.answers.values() if answer.application_id == application_id]

    def find_candidate_by_email(self, email: str) -> Candidate | None:
        wanted = email.strip().lower()
        for candidate in self.candidates.values():
            if candidate.email and candidate.email.lower() == wanted:
                return candidate
        return None

    def rating_average(self, application_id: int) -> int | None:
        return self.rating_averages([application_id]).get(application_id)

    def rating_averages(self, application_ids: Iterable[int] | None = None) -> dict[int, int]:
        """Average feedback rating per application, an integer (F-SDK `rating_average: int`); Ruby's `round`
        takes halves up. Applications without rated feedback are absent."""
        wanted = None if application_ids is None else set(application_ids)
        ratings: dict[int, list[int]] = {}
        for item in self.feedbacks.values():
            if item.application_id is not None and item.rating is not None:
                if wanted is None or item.application_id in wanted:
                    ratings.setdefault(item.application_id, []).append(item.rating)
        return {key: int(sum(values) / len(values) + 0.5) for key, values in ratings.items()}

    def outcome(self, application: Application) -> str:
        """The outcome reading of reference B6, for the state dump: rejected / hired / pending."""
        if application.rejection_reason_id is not None:
            return "rejected"
        if self.phases[application.phase_id].phase_type == "hired":
            return "hired"
        return "pending"

    # -- files --------------------------------------------------------------------------------------------
    def store_file(self, filename: str, content_type: str, content: bytes, when: datetime | None = None) -> StoredFile:
        stored = StoredFile(f"{self._rng.getrandbits(128):032x}", filename, content_type, content, when or self.now())
        self.files[stored.signed_id] = stored
        return stored

    def _drop_file(self, stored: StoredFile | None) -> None:
        if stored is not None:
            self.files.pop(stored.signed_id, None)

    # -- sources ------------------------------------------------------------------------------------------
    def resolve_source(self, raw: str | None) -> int | None:
        """How a written `source` string becomes a `source_id`. The docs do not say (reference B4: "NOT
        DOCUMENTED"); our inference: an exact match on a catalogue entry's `name`, else on its `label`; no match
        leaves `source_id` null and keeps the string. Nothing is ever created from a string."""
        if raw is None:
            return None
        for source in self.candidate_sources.values():
            if source.name == raw:
                return source.id
        for source in self.candidate_sources.values():
            if source.label == raw:
                return source.id
        return None

    def source_matches(self, raw: str | None, source_id: int | None, wanted: set[str]) -> bool:
        """The `source[]` filter of GET /ats/candidates (doc example `email`): matches the written string or the
        resolved entry's name or label. The matching rule is NOT FOUND in the docs; this is our reading."""
        if raw is not None and raw in wanted:
            return True
        source = self.candidate_sources.get(source_id) if source_id is not None else None
        return source is not None and (source.name in wanted or source.label in wanted)

    def create_custom_source(self, *, name: str, category: str, label: str | None = None) -> CandidateSource:
        """The settings page's "add source" — never reachable through the API (read-only catalogue, B4)."""
        name = name.strip()
        if not name:
            raise Invalid("must not be empty", "name")
        if category not in SOURCE_CATEGORIES:
            raise Invalid(f"must be one of {', '.join(SOURCE_CATEGORIES)}", "category")
        if any(source.name == name for source in self.candidate_sources.values()):
            raise Invalid(f"a candidate source named {name} already exists", "name", status=409)
        source = CandidateSource(
            self.next_id("candidate_sources"), category, name, (label or name).strip() or name, custom=True
        )
        self.candidate_sources[source.id] = source
        return source

    def delete_source(self, source_id: int) -> CandidateSource:
        """Removes the entry; candidates and applications that pointed at it keep their written string and lose
        the id (what Factorial does with records of a deleted source is NOT FOUND)."""
        source = self.candidate_source(source_id)
        del self.candidate_sources[source_id]
        for candidate in self.candidates.values():
            if candidate.source_id == source_id:
                candidate.source_id = None
        for application in self.applications.values():
            if application.source_id == source_id:
                application.source_id = None
        return source

    # -- candidates ---------------------------------------------------------------------------------------
    def _touch(self, candidate: Candidate, when: datetime | None = None) -> None:
        when = when or self.now()
        candidate.updated_at = max(candidate.updated_at, when)

    def create_candidate(self, body: dict[str, Any]) -> Candidate:
        """POST /ats/candidates. Required: first_name, last_name, company_id (F-REPO AtsCandidatesPostRequest)."""
        first_name = required_text(body, "first_name")
        last_name = required_text(body, "last_name")
        if "company_id" not in body or body["company_id"] is None:
            raise Invalid("can't be blank", "company_id")
        self.check_company(body["company_id"])
        email = optional_email(body, "email")
        if email is not None and self.find_candidate_by_email(email) is not None:
            # Uniqueness of candidate emails per company is NOT FOUND in the docs; refusing duplicates keeps one
            # person one candidate, which is what the career page's apply flow assumes (see `apply`).
            raise Invalid("has already been taken", "email")
        gender = optional_enum(body, "gender", GENDERS)
        consent_given_at = optional_time(body, "consent_given_at")
        source = optional_text(body, "source")
        medium = optional_text(body, "medium")
        now = self.now()
        candidate = Candidate(
            id=self.next_id("candidates"),
            first_name=first_name,
            last_name=last_name,
            created_at=now,
            updated_at=now,
            email=email,
            phone_number=optional_text(body, "phone_number"),
            talent_pool=optional_bool(body, "talent_pool", False),
            consent_given_at=consent_given_at,
            consent_to_talent_pool=optional_bool(body, "consent_to_talent_pool", False),
            personal_url=optional_text(body, "personal_url"),
            gender=gender,
            source=source,
            source_id=self.resolve_source(source),
            medium=medium,
        )
        self.candidates[candidate.id] = candidate
        return candidate

    def update_candidate(self, candidate: Candidate, body: dict[str, Any]) -> Candidate:
        """PUT /ats/candidates/{id}: body {id*, email, first_name, last_name, talent_pool, consent_given_at,
        phone_number, personal_url}; only the keys present change. A body `id` must name the same record."""
        if body.get("id") is not None and to_id(body["id"], "id") != candidate.id:
            raise Invalid("does not match the candidate in the path", "id")
        changes: dict[str, Any] = {}
        for key in ("first_name", "last_name"):
            if key in body:
                changes[key] = required_text(body, key)
        if "email" in body:
            email = optional_email(body, "email")
            other = self.find_candidate_by_email(email) if email else None
            if other is not None and other.id != candidate.id:
                raise Invalid("has already been taken", "email")
            changes["email"] = email
        for key in ("phone_number", "personal_url"):
            if key in body:
                changes[key] = optional_text(body, key)
        if "talent_pool" in body:
            changes["talent_pool"] = optional_bool(body, "talent_pool", candidate.talent_pool)
        if "consent_given_at" in body:
            changes["consent_given_at"] = optional_time(body, "consent_given_at")
        if any(getattr(candidate, key) != value for key, value in changes.items()):
            for key, value in changes.items():
                setattr(candidate, key, value)
            self._touch(candidate)
        return candidate

    def delete_candidate(self, candidate_id: int) -> Candidate:
        candidate = self.candidate(candidate_id)
        for application_id in list(candidate.application_ids):
            self._remove_application(application_id)
        for feedback_id in [f.id for f in self.feedbacks.values() if f.candidate_id == candidate_id]:
            del self.feedbacks[feedback_id]
        del self.candidates[candidate_id]
        return candidate

    def check_company(self, value: Any) -> None:
        if to_id(value, "company_id") != self.company_id:
            raise Invalid("does not match the company of the credentials", "company_id")

    # -- applications -------------------------------------------------------------------------------------
    def phase_for(self, job: JobPosting, value: Any, name: str) -> Phase:
        phase_id = to_id(value, name)
        phase = self.phases.get(phase_id)
        if phase is None:
            raise Invalid(f"application phase {phase_id} does not exist", name)
        if phase.job_posting_id != job.id:
            # "target phase must belong to the same job posting" (F-SDK move_to_phase docstring)
            raise Invalid(f"application phase {phase_id} does not belong to job posting {job.id}", name)
        return phase

    def open_job(self, value: Any, *, for_apply: bool) -> JobPosting:
        job_id = to_id(value, "ats_job_posting_id")
        job = self.job_postings.get(job_id)
        if job is None or job.status == "deleted":
            raise Invalid(f"job posting {job_id} does not exist", "ats_job_posting_id")
        if for_apply and job.status not in APPLY_OPEN_STATUSES:
            raise Invalid(
                f"job posting {job_id} is {job.status} and does not accept applications", "ats_job_posting_id"
            )
        return job

    def add_application(
        self,
        candidate: Candidate,
        job: JobPosting,
        *,
        phase: Phase | None,
        phone: str | None,
        cover_letter: str | None,
        source: str | None,
        medium: str | None,
        consent_to_talent_pool: bool | None,
        author_id: int | None = None,
        author_type: str | None = None,
        when: datetime | None = None,
    ) -> Application:
        if any(self.applications[a].job_posting_id == job.id for a in candidate.application_ids):
            raise Invalid(f"candidate {candidate.id} has already applied to job posting {job.id}", "ats_candidate_id")
        phases = self.phases_of(job.id)
        if phase is None:
            if not phases:
                raise Invalid(f"job posting {job.id} has no application phases", "ats_job_posting_id")
            phase = phases[0]
        when = when or self.now()
        application_id = self.next_id("applications")
        application = Application(
            id=application_id,
            job_posting_id=job.id,
            candidate_id=candidate.id,
            created_at=when,
            phase_id=phase.id,
            phone=phone,
            cover_letter=cover_letter,
            conversation_id=application_id,
            source=source,
            source_id=self.resolve_source(source),
            medium=medium,
            author_id=author_id,
            author_type=author_type,
            consent_to_talent_pool=consent_to_talent_pool,
            history=[PhaseChange(when, phase.id)],
        )
        self.applications[application.id] = application
        candidate.application_ids.append(application.id)
        self._touch(candidate, when)
        return application

    def move_to_phase(self, application: Application, value: Any, name: str = "ats_application_phase_id") -> bool:
        job = self.job_postings[application.job_posting_id]
        phase = self.phase_for(job, value, name)
        if phase.id == application.phase_id:
            return False
        now = self.now()
        application.phase_id = phase.id
        application.history.append(PhaseChange(now, phase.id))
        self._touch(self.candidates[application.candidate_id], now)
        return True

    def update_application(
        self, application: Application, body: dict[str, Any], *, cv: tuple[str, str, bytes] | None = None
    ) -> Application:
        """PUT /ats/applications/{id} (F-REPO AtsApplicationsIdPutRequest): author_id, author_type, qualified,
        ats_application_phase_id, disqualified_reason, phone, ats_rejection_reason_id, source, source_id — plus,
        in the emulator, a decoded `cv` (filename, content type, bytes) that replaces the application's CV (see
        `applying.py`). Validated first, written after: a refused request changes nothing."""
        if body.get("id") is not None and to_id(body["id"], "id") != application.id:
            raise Invalid("does not match the application in the path", "id")
        changes: dict[str, Any] = {}
        if "qualified" in body:
            changes["qualified"] = optional_bool(body, "qualified", application.qualified)
        if "disqualified_reason" in body:
            changes["disqualified_reason"] = optional_text(body, "disqualified_reason")
        if "phone" in body:
            changes["phone"] = optional_text(body, "phone")
        if "author_type" in body:
            changes["author_type"] = optional_enum(body, "author_type", AUTHOR_TYPES)
        if "author_id" in body:
            changes["author_id"] = optional_id(body["author_id"], "author_id")
        if "ats_rejection_reason_id" in body:
            reason_id = optional_id(body["ats_rejection_reason_id"], "ats_rejection_reason_id")
            if reason_id is not None and reason_id not in self.rejection_reasons:
                raise Invalid(f"rejection reason {reason_id} does not exist", "ats_rejection_reason_id")
            changes["rejection_reason_id"] = reason_id
        if "source" in body:
            changes["source"] = optional_text(body, "source")
            changes["source_id"] = self.resolve_source(changes["source"])
        if "source_id" in body:
            # `source_id` names the catalogue entry directly and wins over the string (F-SDK put body has both).
            source_id = optional_id(body["source_id"], "source_id")
            if source_id is not None and source_id not in self.candidate_sources:
                raise Invalid(f"candidate source {source_id} does not exist", "source_id")
            changes["source_id"] = source_id
        phase_value = body.get("ats_application_phase_id")
        if phase_value is not None:
            self.phase_for(self.job_postings[application.job_posting_id], phase_value, "ats_application_phase_id")
        changed = any(getattr(application, key) != value for key, value in changes.items())
        for key, value in changes.items():
            setattr(application, key, value)
        if phase_value is not None:
            changed = self.move_to_phase(application, phase_value) or changed
        if cv is not None:
            self._drop_file(application.cv)
            application.cv = self.store_file(*cv)
            changed = True
        if changed:
            self._touch(self.candidates[application.candidate_id])
        return application

    def reject(self, application: Application, reason_id: int) -> None:
        self.rejection_reason(reason_id)
        application.rejection_reason_id = reason_id
        self._touch(self.candidates[application.candidate_id])

    def hire(self, application: Application, *, create_employee: bool) -> Phase:
        """Moves to the job's `hired` phase (B6); optionally converts the candidate into an employee."""
        hired = next((p for p in self.phases_of(application.job_posting_id) if p.phase_type == "hired"), None)
        if hired is None:
            raise Invalid(f"job posting {application.job_posting_id} has no hired phase", "ats_application_phase_id")
        self.move_to_phase(application, hired.id)
        application.rejection_reason_id = None
        if create_employee and application.employee_id is None:
            candidate = self.candidates[application.candidate_id]
            now = self.now()
            employee_id = self.next_id("employees")
            employee = Employee(
                id=employee_id,
                access_id=employee_id + 1000,
                first_name=candidate.first_name,
                last_name=candidate.last_name,
                email=candidate.email or f"employee{employee_id}@example.com",
                created_at=now,
                updated_at=now,
                location_id=self.job_postings[application.job_posting_id].location_id or 1,
            )
            self.employees[employee.id] = employee
            application.employee_id = employee.id
        return hired

    def _remove_application(self, application_id: int) -> Application:
        application = self.applications.pop(application_id)
        for answer in self.answers_of(application_id):
            self._drop_file(answer.file)
            del self.answers[answer.id]
        for feedback in self.feedbacks.values():
            if feedback.application_id == application_id:
                feedback.application_id = None
        self._drop_file(application.cv)
        candidate = self.candidates.get(application.candidate_id)
        if candidate is not None:
            candidate.application_ids.remove(application_id)
            self._touch(candidate)
        return application

    def delete_application(self, application_id: int) -> Application:
        self.application(application_id)
        return self._remove_application(application_id)

    # -- answers ------------------------------------------------------------------------------------------
    def create_answer(self, body: dict[str, Any]) -> Answer:
        """POST /ats/answers; required: ats_question_id, ats_application_id, value (string),
        original_question_label, original_question_type (F-SDK post answers body)."""
        for key in ("ats_question_id", "ats_application_id", "value", "original_question_label"):
            if body.get(key) is None:
                raise Invalid("can't be blank", key)
        question_type = body.get("original_question_type")
        if question_type not in ANSWER_CREATE_TYPES:
            raise Invalid(f"must be one of {', '.join(ANSWER_CREATE_TYPES)}", "original_question_type")
        application = self.applications.get(to_id(body["ats_application_id"], "ats_application_id"))
        if application is None:
            raise Invalid("application does not exist", "ats_application_id")
        question = self.questions.get(to_id(body["ats_question_id"], "ats_question_id"))
        if question is None or question.job_posting_id != application.job_posting_id:
            raise Invalid("question does not belong to the application's job posting", "ats_question_id")
        value = body["value"]
        if not isinstance(value, str):
            raise Invalid("must be a string", "value")
        label = body["original_question_label"]
        if not isinstance(label, str):
            raise Invalid("must be a string", "original_question_label")
        now = self.now()
        answer = Answer(self.next_id("answers"), application.id, question.id, label, question_type, value, now, now)
        self.answers[answer.id] = answer
        self._touch(self.candidates[application.candidate_id], now)
        return answer

    # -- questions ----------------------------------------------------------------------------------------
    def create_question(self, body: dict[str, Any]) -> Question:
        """POST /ats/questions; required: ats_job_posting_id, company_id, label, position, question_type."""
        job = self.open_job(body.get("ats_job_posting_id"), for_apply=False)
        if body.get("company_id") is None:
            raise Invalid("can't be blank", "company_id")
        self.check_company(body["company_id"])
        label = required_text(body, "label")
        position = required_int(body, "position")
        question_type = body.get("question_type")
        if question_type not in QUESTION_TYPES:
            raise Invalid(f"must be one of {', '.join(QUESTION_TYPES)}", "question_type")
        options = parse_options(body.get("options"), question_type)
        now = self.now()
        question = Question(
            id=self.next_id("questions"),
            job_posting_id=job.id,
            label=label,
            position=position,
            question_type=question_type,
            mandatory=optional_bool(body, "mandatory", False),
            auto_disqualify=optional_bool(body, "auto_disqualify", False),
            created_at=now,
            updated_at=now,
            options=options,
        )
        self.questions[question.id] = question
        return question

    def update_question(self, question: Question, body: dict[str, Any]) -> Question:
        changes: dict[str, Any] = {}
        if "label" in body:
            changes["label"] = required_text(body, "label")
        if "position" in body:
            changes["position"] = required_int(body, "position")
        for key in ("mandatory", "auto_disqualify"):
            if key in body:
                changes[key] = optional_bool(body, key, getattr(question, key))
        if "options" in body:
            changes["options"] = parse_options(body["options"], question.question_type)
        for key, value in changes.items():
            setattr(question, key, value)
        question.updated_at = self.now()
        return question

    def delete_question(self, question_id: int) -> Question:
        question = self.question(question_id)
        del self.questions[question_id]
        # Answers keep their `original_question_label/type`: that is what those fields are for.
        for answer in self.answers.values():
            if answer.question_id == question_id:
                answer.question_id = None
        return question

    # -- job postings -------------------------------------------------------------------------------------
    def create_job_posting(self, body: dict[str, Any]) -> JobPosting:
        """POST /ats/job_postings; required: title, status and the five `*_requirement`s. A new posting gets the
        default pipeline (the phases a posting created in the UI starts with)."""
        title = required_text(body, "title")
        status = body.get("status")
        if status not in JOB_STATUSES:
            raise Invalid(f"must be one of {', '.join(JOB_STATUSES)}", "status")
        requirements = {}
        for key in REQUIREMENT_FIELDS:
            value = body.get(key)
            if value not in REQUIREMENTS:
                raise Invalid(f"must be one of {', '.join(REQUIREMENTS)}", key)
            requirements[key] = value
        extra = _job_fields(body)
        now = self.now()
        job = JobPosting(
            id=self.next_id("job_postings"),
            title=title,
            status=status,
            created_at=now,
            updated_at=now,
            published_at=now if status == "published" else None,
            **requirements,
            **extra,
        )
        self.job_postings[job.id] = job
        self.add_default_phases(job)
        return job

    def update_job_posting(self, job: JobPosting, body: dict[str, Any]) -> JobPosting:
        if body.get("id") is not None and to_id(body["id"], "id") != job.id:
            raise Invalid("does not match the job posting in the path", "id")
        changes: dict[str, Any] = {}
        if "title" in body:
            changes["title"] = required_text(body, "title")
        if "status" in body:
            if body["status"] not in JOB_STATUSES:
                raise Invalid(f"must be one of {', '.join(JOB_STATUSES)}", "status")
            changes["status"] = body["status"]
        for key in REQUIREMENT_FIELDS:
            if key in body:
                if body[key] not in REQUIREMENTS:
                    raise Invalid(f"must be one of {', '.join(REQUIREMENTS)}", key)
                changes[key] = body[key]
        changes.update(_job_fields(body))
        now = self.now()
        if changes.get("status") == "published" and job.published_at is None:
            changes["published_at"] = now
        for key, value in changes.items():
            setattr(job, key, value)
        job.updated_at = now
        return job

    def delete_job_posting(self, job: JobPosting) -> JobPosting:
        # The status enum has `deleted`: a deleted posting stays addressable and its applications stay.
        # Hard vs soft deletion is NOT FOUND in the docs; soft keeps applications' outcomes readable.
        job.status = "deleted"
        job.updated_at = self.now()
        return job

    def duplicate_job_posting(self, job: JobPosting) -> JobPosting:
        """POST /ats/job_postings/duplicate: a draft copy with the same pipeline and questions."""
        now = self.now()
        copy = replace(
            job,
            id=self.next_id("job_postings"),
            title=f"{job.title} (copy)",
            status="draft",
            created_at=now,
            updated_at=now,
            published_at=None,
        )
        self.job_postings[copy.id] = copy
        for phase in self.phases_of(job.id):
            clone = replace(phase, id=self.next_id("phases"), job_posting_id=copy.id)
            self.phases[clone.id] = clone
        for question in self.questions_of(job.id):
            options = [QuestionOption(o.text, o.disqualifies) for o in question.options]
            cloned = replace(
                question,
                id=self.next_id("questions"),
                job_posting_id=copy.id,
                options=options,
                created_at=now,
                updated_at=now,
            )
            self.questions[cloned.id] = cloned
        return copy

    def add_default_phases(self, job: JobPosting, *, extra_normal_phase: bool = False) -> list[Phase]:
        template = list(DEFAULT_PIPELINE)
        if extra_normal_phase:
            template.insert(4, ("Culture fit", "normal", "interview"))
        stage_ids = {stage.name: stage.id for stage in self.hiring_stages.values()}
        phases = []
        for position, (name, phase_type, stage) in enumerate(template):
            phase = Phase(
                id=self.next_id("phases"),
                job_posting_id=job.id,
                name=name,
                position=position,
                phase_type=phase_type,
                hiring_stage_id=stage_ids[stage],
                # The first and the hired phase cannot be edited (doc example: New/Hired `editable: false`).
                editable=phase_type not in ("initial", "hired"),
            )
            self.phases[phase.id] = phase
            phases.append(phase)
        return phases

    # -- feedbacks ----------------------------------------------------------------------------------------
    def create_feedback(self, body: dict[str, Any]) -> Feedback:
        """POST /ats/feedbacks; required: ats_candidate_id. `rating` 1–5 (F-SDK AtsFeedback)."""
        if body.get("ats_candidate_id") is None:
            raise Invalid("can't be blank", "ats_candidate_id")
        candidate = self.candidates.get(to_id(body["ats_candidate_id"], "ats_candidate_id"))
        if candidate is None:
            raise Invalid("candidate does not exist", "ats_candidate_id")
        fields_ = self._feedback_fields(body, candidate)
        now = self.now()
        feedback = Feedback(self.next_id("feedbacks"), candidate.id, now, **fields_)
        self.feedbacks[feedback.id] = feedback
        self._touch(candidate, now)
        return feedback

    def update_feedback(self, feedback: Feedback, body: dict[str, Any]) -> Feedback:
        candidate = self.candidates[feedback.candidate_id]
        for key, value in self._feedback_fields(body, candidate, partial=True).items():
            setattr(feedback, key, value)
        self._touch(candidate)
        return feedback

    def _feedback_fields(self, body: dict[str, Any], candidate: Candidate, *, partial: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if not partial or "ats_application_id" in body:
            application_id = optional_id(body.get("ats_application_id"), "ats_application_id")
            if application_id is not None:
                application = self.applications.get(application_id)
                if application is None or application.candidate_id != candidate.id:
                    raise Invalid("application does not belong to the candidate", "ats_application_id")
            out["application_id"] = application_id
        if not partial or "ats_application_phase_id" in body:
            phase_id = optional_id(body.get("ats_application_phase_id"), "ats_application_phase_id")
            if phase_id is not None and phase_id not in self.phases:
                raise Invalid(f"application phase {phase_id} does not exist", "ats_application_phase_id")
            out["phase_id"] = phase_id
        if not partial or "rating" in body:
            rating = body.get("rating")
            if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5):
                raise Invalid("must be an integer from 1 to 5", "rating")
            out["rating"] = rating
        if not partial or "description" in body:
            out["description"] = optional_text(body, "description")
        if not partial or "ats_evaluation_forms_id" in body:
            out["evaluation_form_id"] = optional_id(body.get("ats_evaluation_forms_id"), "ats_evaluation_forms_id")
        if not partial or "mention_ids" in body:
            mentions = body.get("mention_ids") or []
            if not isinstance(mentions, list):
                raise Invalid("must be an array of ids", "mention_ids")
            out["mention_ids"] = [to_id(item, "mention_ids") for item in mentions]
        return out

    def delete_feedback(self, feedback_id: int) -> Feedback:
        feedback = self.feedback(feedback_id)
        del self.feedbacks[feedback_id]
        candidate = self.candidates.get(feedback.candidate_id)
        if candidate is not None:
            self._touch(candidate)
        return feedback


# The pipeline a new posting starts with: (phase name, phase_type, hiring stage name). Names follow the doc
# example (F-REPO AtsApplicationPhase.md: "New", "In review", "Hired"); the rest are plausible UI defaults.
DEFAULT_PIPELINE = (
    ("New", "initial", "new"),
    ("In review", "screening", "screening"),
    ("Assessment", "assessment", "assessment"),
    ("Interview", "interview", "interview"),
    ("Offer", "offer", "offer"),
    ("Hired", "hired", "hired"),
)


# -- input helpers --------------------------------------------------------------------------------------
def required_text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid("can't be blank", key)
    if not isinstance(value, str):
        raise Invalid("must be a string", key)
    return value.strip()


def optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # e.g. a phone sent as a number (doc examples show `34612345678` unquoted)
    if not isinstance(value, str):
        raise Invalid("must be a string", key)
    return value.strip() or None


def optional_email(data: dict[str, Any], key: str) -> str | None:
    email = optional_text(data, key)
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise Invalid("is invalid", key)
    return email


def required_int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if value is None:
        raise Invalid("can't be blank", key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("must be an integer", key)
    return value


def optional_bool(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise Invalid("must be true or false", key)
    return value


def optional_enum(data: dict[str, Any], key: str, allowed: Iterable[str]) -> str | None:
    value = data.get(key)
    allowed = tuple(allowed)
    if value is not None and value not in allowed:
        raise Invalid(f"must be one of {', '.join(allowed)}", key)
    return value


def optional_time(data: dict[str, Any], key: str) -> datetime | None:
    value = data.get(key)
    return None if value is None else ms(parse_time(value, key))


def parse_options(value: Any, question_type: str) -> list[QuestionOption]:
    if value is None:
        value = []
    if not isinstance(value, list):
        raise Invalid("must be an array", "options")
    options = []
    for index, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise Invalid("each option needs a text", f"options[{index}]")
        disqualifies = item.get("disqualifies", False)
        if not isinstance(disqualifies, bool):
            raise Invalid("must be true or false", f"options[{index}].disqualifies")
        options.append(QuestionOption(item["text"].strip(), disqualifies))
    if question_type in ("single_choice", "multiple_choice") and not options:
        raise Invalid(f"a {question_type} question needs options", "options")
    if question_type not in ("single_choice", "multiple_choice") and options:
        raise Invalid(f"a {question_type} question takes no options", "options")
    return options


def _job_fields(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, allowed in (
        ("contract_type", CONTRACT_TYPES),
        ("category", JOB_CATEGORIES),
        ("workplace_type", WORKPLACE_TYPES),
        ("schedule_type", SCHEDULE_TYPES),
        ("salary_format", SALARY_FORMATS),
    ):
        if key in body:
            out[key] = optional_enum(body, key, allowed)
    if "salary_period" in body:
        period = optional_enum(body, "salary_period", SALARY_PERIODS)
        out["salary_period"] = period or "annual"
    if "description" in body:
        out["description"] = optional_text(body, "description")
    for key in ("team_id", "location_id", "legal_entity_id"):
        if key in body:
            out[key] = optional_id(body[key], key)
    for key in ("salary_from_amount_in_cents", "salary_to_amount_in_cents"):
        if key in body:
            out[key] = None if body[key] is None else required_int(body, key)
    for key in ("remote", "hide_salary"):
        if key in body:
            out[key] = optional_bool(body, key, False)
    return out
