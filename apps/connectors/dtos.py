"""Typed records connectors return (readers) and take (writers). Remote ids only; our ids live in the apps.

Shapes follow the unified model of the contract so mapping into the database is mechanical. `remote_data`
carries the raw vendor payload for debugging and `integration_fields`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")

JsonDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None = None  # opaque to everyone but the connector that made it
    # Records the ATS reports as deleted in this page's window (connectors that can tell; delta reads).
    deleted_remote_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Location:
    city: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2 where known
    raw: str | None = None
    state: str | None = None
    street_1: str | None = None
    street_2: str | None = None
    zip_code: str | None = None


@dataclass(frozen=True, slots=True)
class EmailAddress:
    email_address: str
    type: str | None = None


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    phone_number: str
    type: str | None = None


@dataclass(frozen=True, slots=True)
class SocialMedia:
    link: str | None = None
    type: str | None = None
    username: str | None = None


@dataclass(frozen=True, slots=True)
class IntegrationField:
    """A raw field exposed as-is (the `integration_fields` of the contract)."""

    key: str
    value: Any
    type: str = "DEFAULT"  # DEFAULT | CUSTOM
    label: str | None = None


@dataclass(frozen=True, slots=True)
class RoleAssignment:
    remote_id: str | None
    remote_label: str | None
    unified_type: str | None  # HIRING_MANAGER | RECRUITER | COORDINATOR | SOURCER | INTERVIEWER | ADMIN


@dataclass(frozen=True, slots=True)
class RemoteUser:
    remote_id: str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    status: str | None = None  # ACTIVE | INACTIVE
    system_roles: tuple[RoleAssignment, ...] = ()
    remote_created_at: datetime | None = None
    remote_updated_at: datetime | None = None
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemoteRole:
    remote_id: str
    remote_label: str | None = None
    scope: str | None = None  # SYSTEM | JOB
    unified_type: str | None = None
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemoteTag:
    remote_id: str
    name: str | None = None
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemoteRejectionReason:
    remote_id: str
    name: str | None = None
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemoteStage:
    remote_id: str
    name: str | None = None
    index: int | None = None
    status: str | None = None  # ACTIVE | INACTIVE
    custom_fields: JsonDict = field(default_factory=dict)
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScreeningQuestionOption:
    remote_id: str
    name: str


@dataclass(frozen=True, slots=True)
class RemoteScreeningQuestion:
    remote_id: str
    title: str | None = None
    description: str | None = None
    # TEXT | NUMBER | FILE | SINGLE_SELECT | BOOLEAN | DATE | MULTI_SELECT | INFORMATION | UNKNOWN
    format_type: str = "UNKNOWN"
    # Format details as in the contract minus `type` and `options` (display_type, max_length, min, max, ...).
    format_details: JsonDict = field(default_factory=dict)
    options: tuple[ScreeningQuestionOption, ...] = ()
    required: bool | None = None
    category: str | None = None  # EEO | DEMOGRAPHIC
    index: int | None = None
    precondition_question_remote_id: str | None = None
    precondition_options: tuple[str | bool, ...] | None = None  # option remote ids, or (True,)/(False,)
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemoteJobPosting:
    remote_id: str
    title: str | None = None
    description_html: str | None = None
    url: str | None = None
    status: str | None = None  # ACTIVE | INACTIVE | DRAFT
    visibility: str | None = None  # PUBLIC | INTERNAL | UNLISTED
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemoteHiringTeamMember:
    user_remote_id: str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    job_roles: tuple[RoleAssignment, ...] = ()


@dataclass(frozen=True, slots=True)
class RemoteJob:
    remote_id: str
    name: str | None = None
    job_code: str | None = None
    description: str | None = None
    category: str | None = None
    department: str | None = None
    post_url: str | None = None
    experience_level: str | None = None
    confidential: bool | None = None
    weekly_hours: float | None = None
    employment_type: str | None = None
    status: str | None = None  # OPEN | CLOSED | DRAFT | ARCHIVED (open enum)
    visibility: str | None = None
    remote_work_status: str | None = None
    salary_amount: float | None = None
    salary_amount_from: float | None = None
    salary_amount_to: float | None = None
    salary_currency: str | None = None
    salary_period: str | None = None
    location: Location | None = None
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    remote_created_at: datetime | None = None
    remote_updated_at: datetime | None = None
    remote_url: str | None = None
    contact_remote_id: str | None = None
    stages: tuple[RemoteStage, ...] = ()
    screening_questions: tuple[RemoteScreeningQuestion, ...] = ()
    job_postings: tuple[RemoteJobPosting, ...] = ()
    hiring_team: tuple[RemoteHiringTeamMember, ...] = ()
    custom_fields: JsonDict = field(default_factory=dict)
    integration_fields: tuple[IntegrationField, ...] = ()
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemoteCandidate:
    remote_id: str
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    title: str | None = None
    source: str | None = None
    confidential: bool | None = None
    email_addresses: tuple[EmailAddress, ...] = ()
    phone_numbers: tuple[PhoneNumber, ...] = ()
    social_media: tuple[SocialMedia, ...] = ()
    location: Location | None = None
    tags: tuple[RemoteTag, ...] = ()
    remote_created_at: datetime | None = None
    remote_updated_at: datetime | None = None
    remote_url: str | None = None
    custom_fields: JsonDict = field(default_factory=dict)
    integration_fields: tuple[IntegrationField, ...] = ()
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScreeningAnswer:
    """An answer as read from the ATS: `type` picks which of the value keys is meaningful."""

    question_remote_id: str | None
    question_title: str
    type: str  # TEXT | SINGLE_SELECT | MULTI_SELECT | BOOLEAN | NUMBER | DATE | UNKNOWN
    value: Any  # str | list[str] | bool | float | datetime | raw


@dataclass(frozen=True, slots=True)
class RemoteApplication:
    remote_id: str
    candidate_remote_id: str
    job_remote_id: str | None = None
    current_stage_remote_id: str | None = None
    outcome: str | None = None  # PENDING | HIRED | DECLINED
    rejection_reason_remote_id: str | None = None
    rejection_reason_name: str | None = None
    rejected_at: datetime | None = None
    source: str | None = None  # the source label the ATS shows on this application
    screening_question_answers: tuple[ScreeningAnswer, ...] = ()
    remote_created_at: datetime | None = None
    remote_updated_at: datetime | None = None
    remote_url: str | None = None
    custom_fields: JsonDict = field(default_factory=dict)
    integration_fields: tuple[IntegrationField, ...] = ()
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemoteOffer:
    remote_id: str
    application_remote_id: str | None = None
    status: str | None = None  # ACCEPTED | DECLINED | SENT | APPROVED | DRAFT | ABANDONED
    employment_start_date: datetime | None = None
    remote_created_at: datetime | None = None
    remote_updated_at: datetime | None = None
    custom_fields: JsonDict = field(default_factory=dict)
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemoteInterview:
    remote_id: str
    application_remote_id: str | None = None
    stage_remote_id: str | None = None
    title: str | None = None
    starting_at: datetime | None = None
    ending_at: datetime | None = None
    location: Location | None = None
    video_conferencing_url: str | None = None
    canceled: bool | None = None
    user_remote_ids: tuple[str, ...] = ()
    remote_created_at: datetime | None = None
    remote_updated_at: datetime | None = None
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemoteNote:
    remote_id: str
    candidate_remote_id: str
    application_remote_id: str | None = None
    author_remote_id: str | None = None
    title: str | None = None
    content_html: str | None = None
    is_private: bool | None = None
    remote_created_at: datetime | None = None
    remote_updated_at: datetime | None = None
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScorecardResponse:
    """One scorecard line; `type` and `answer` follow the contract's six variants."""

    type: str  # TEXT | SINGLE_SELECT | MULTI_SELECT | BOOLEAN | NUMBER | DATE
    label: str
    remote_id: str | None = None
    description: str | None = None
    required: bool | None = None
    options: tuple[tuple[str | None, str], ...] = ()  # (remote_id, label)
    answer: Any = None


@dataclass(frozen=True, slots=True)
class RemoteScorecard:
    remote_id: str
    candidate_remote_id: str | None = None
    application_remote_id: str | None = None
    interview_remote_id: str | None = None
    author_remote_id: str | None = None
    responses: tuple[ScorecardResponse, ...] = ()
    remote_created_at: datetime | None = None
    remote_updated_at: datetime | None = None
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemoteAttachment:
    remote_id: str
    candidate_remote_id: str
    application_remote_id: str | None = None
    file_name: str | None = None
    type: str | None = None  # CV | COVER_LETTER | OTHER
    content_type: str | None = None
    remote_created_at: datetime | None = None
    remote_updated_at: datetime | None = None
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemoteApplicationStage:
    """A company-level stage (the deprecated /ats/application-stages list)."""

    remote_id: str
    name: str | None = None
    status: str | None = None
    custom_fields: JsonDict = field(default_factory=dict)
    remote_data: JsonDict = field(default_factory=dict)


RemoteRecord = (
    RemoteUser
    | RemoteRole
    | RemoteTag
    | RemoteRejectionReason
    | RemoteApplicationStage
    | RemoteJob
    | RemoteCandidate
    | RemoteApplication
    | RemoteOffer
    | RemoteInterview
    | RemoteNote
    | RemoteScorecard
    | RemoteAttachment
)


# -- sources (automatic attribution) ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RemoteSource:
    """A candidate source as the ATS lists it (e.g. SmartRecruiters: type → subtype → value)."""

    remote_id: str
    label: str
    type: str | None = None  # the ATS's source type id, where it has types (SmartRecruiters "custom", ...)
    subtype: str | None = None
    remote_data: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SourceInstruction:
    """The source a create-application / create-candidate call writes, decided by apps.attribution.

    `name` is the configured source name; `remote_id`/`type`/`subtype` are what it resolved to in the ATS (None
    for FREE_TEXT tools). Connectors apply it to new candidates and their applications only: an existing
    candidate's source is never overwritten (for tools whose source lives on the candidate, it is left alone).
    """

    name: str
    remote_id: str | None = None
    type: str | None = None
    subtype: str | None = None


@dataclass(frozen=True, slots=True)
class OAuthClient:
    """Tributary's own OAuth app registered with the ATS (partner credentials), from settings."""

    client_id: str
    client_secret: str
