"""The Factorial emulator's records and enums (F-SDK models; reference B5), its domain errors and id parsing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from apps.connectors.emulation.records import MissingRecord, StateError
from apps.connectors.emulation.records import fmt as fmt  # re-exported: the renderers format times with it

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


class Missing(MissingRecord):
    """An addressed record does not exist: a 404 (ActiveRecord's wording)."""

    template = "Couldn't find {what} with 'id'={identifier}"


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
