"""The SmartRecruiters emulator's records and enums (SR-RB models; reference A5) and its domain errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from apps.connectors.emulation.records import MissingRecord, StateError
from apps.connectors.emulation.records import fmt as fmt  # re-exported: the renderers format times with it

JOB_STATUSES = ("CREATED", "SOURCING", "FILLED", "INTERVIEW", "OFFER", "CANCELLED", "ON_HOLD", "OTHER")


JOB_STATUSES_WRITABLE = JOB_STATUSES[:-1]  # "valid for update: same minus OTHER"


POSTING_STATUSES = ("PUBLIC", "INTERNAL", "NOT_PUBLISHED", "PRIVATE")


CANDIDATE_STATUSES = (
    "LEAD",
    "NEW",
    "IN_REVIEW",
    "INTERVIEW",
    "OFFERED",
    "HIRED",
    "REJECTED",
    "WITHDRAWN",
    "TRANSFERRED",
)


# LEAD (sourced, not applied) and TRANSFERRED (moved by SmartRecruiters itself) are not accepted on
# PUT .../status. NOT FOUND in the docs which statuses the endpoint refuses; this is our plausible choice.
CANDIDATE_STATUSES_WRITABLE = ("NEW", "IN_REVIEW", "INTERVIEW", "OFFERED", "HIRED", "REJECTED", "WITHDRAWN")


SUB_STATUS_STATUSES = ("IN_REVIEW", "INTERVIEW", "OFFERED")  # SR-RB hiring_process_sub_statuses.rb


HIRING_TEAM_ROLES = ("HIRING_MANAGER", "INTERVIEW_TEAM", "RECRUITER", "EXECUTIVE", "COORDINATOR")


ATTACHMENT_TYPES = ("GENERIC_FILE", "RESUME", "COVER_LETTER")


OFFER_STATUSES = (
    "CREATED",
    "PENDING_APPROVAL",
    "APPROVED",
    "NOT_APPROVED",
    "PENDING_ACCEPTANCE",
    "ACCEPTED",
    "NOT_ACCEPTED",
    "ABANDONED",
)


ATTENDEE_STATUSES = ("accepted", "declined", "pending", "tentative")


CONSENT_STATUSES = ("REQUIRED", "PENDING", "ACQUIRED")


FIELD_TYPES = ("INPUT_TEXT", "SINGLE_SELECT", "MULTI_SELECT", "RADIO", "CHECKBOX", "TEXTAREA", "INFORMATION")


# ApplicationStatusInfo.status of the Application API differs from CandidateStatusEnum (reference A5).
APPLY_STATUS = {
    "LEAD": "LEAD",
    "NEW": "NEW",
    "IN_REVIEW": "IN_REVIEW",
    "INTERVIEW": "INTERVIEW",
    "OFFERED": "OFFER",
    "HIRED": "HIRE",
    "REJECTED": "REJECTED",
    "WITHDRAWN": "WITHDRAWN",
    "TRANSFERRED": "TRANSFERRED",
}


# "Not defining the source will default to API source." (SR-DOC candidatesaddtojob-1). The ids of the
# default library are NOT FOUND in any readable material; these slugs are our own, seeded and configurable.
DEFAULT_SOURCE = ("api", None, "api")


TEXT_ANSWER_MAX_BYTES = 4000  # "text/textarea/currency answers ≤ 4000 bytes" (SR-DOC post-an-application)


APPLY_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024  # "attachments Base64, ≤2 MB each" (same page)


class Invalid(StateError):
    """Bad input: a 400. `code` and `message` end up in `errors[0]` (or the Application API error)."""

    def __init__(self, message: str, code: str = "INVALID_VALUE", status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class Missing(MissingRecord):
    """An addressed record does not exist: a 404."""

    template = "{what} with id {identifier} not found"


def parse_time(value: str, name: str) -> datetime:
    """ISO-8601 (`Z`, offsets, or a bare date); a bad value is a 400 naming the parameter."""
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{name}: must be an ISO-8601 date-time, e.g. 2024-05-01T00:00:00.000Z") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass
class User:
    id: str
    email: str
    first_name: str
    last_name: str
    system_role: str
    created_on: datetime
    updated_on: datetime
    active: bool = True
    language: str = "en"
    sso_login_mode: str = "PASSWORD"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class HiringProcess:
    id: str
    name: str
    active: bool
    sub_statuses: dict[str, list[str]]


@dataclass
class Reason:
    id: str
    label: str


@dataclass
class SourceType:
    id: str
    label: str
    subtypes: list[str]


@dataclass
class SourceValue:
    """A named source (level 3). `custom` ones come from the settings page (our control endpoint)."""

    id: str
    identifier: str  # the `sourceIdentifier` uuid (TRID)
    label: str
    type_id: str
    subtype_id: str | None
    custom: bool = False
    deleted: bool = False


@dataclass
class ScreeningField:
    id: str
    label: str
    type: str
    required: bool = False
    values: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ScreeningQuestion:
    id: str
    name: str
    label: str
    fields: list[ScreeningField]
    repeatable: bool = False
    category: str = ""  # a uuid for custom questions (reference A5, screening answers)


@dataclass
class Conditional:
    """Show `questions` when the answer to `parent_question_id`/`field_id` contains any of `value_ids`."""

    parent_question_id: str
    field_id: str
    value_ids: list[str]
    questions: list[str]


@dataclass
class Posting:
    """The public posting of a job's default ad: the `uuid` the Application API applies to."""

    id: str
    uuid: str
    job_ad_id: str
    released_on: datetime
    questions: list[ScreeningQuestion]
    conditionals: list[Conditional]
    active: bool = True


@dataclass
class JobAd:
    id: str
    title: str
    language: str
    created_on: datetime
    updated_on: datetime
    posting_status: str  # PUBLISHED / NOT_PUBLISHED
    visibility: str  # PUBLIC / INTERNAL / PRIVATE
    creator_id: str
    default: bool = True


@dataclass
class Publication:
    source_name: str
    type: str
    published_on: datetime
    unpublished_on: datetime | None = None


@dataclass
class Job:
    id: str
    title: str
    ref_number: str
    created_on: datetime
    updated_on: datetime
    last_activity_on: datetime
    department: tuple[str, str]
    location: dict[str, Any]
    status: str
    posting_status: str
    language: str
    industry: tuple[str, str]
    function: tuple[str, str]
    type_of_employment: tuple[str, str]
    experience_level: tuple[str, str]
    target_hiring_date: datetime | None
    creator_id: str
    compensation: dict[str, Any] | None
    sections: dict[str, dict[str, str]]
    hiring_process_id: str
    hiring_team: list[tuple[str, str]] = field(default_factory=list)
    status_history: list[tuple[datetime, str]] = field(default_factory=list)
    job_ads: list[JobAd] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)
    posting: Posting | None = None


@dataclass
class StatusChange:
    changed_on: datetime
    status: str
    sub_status: str | None = None


@dataclass
class Application:
    """One candidate × job pair ("assignment"). `id` is the jobApplicationId."""

    id: str
    candidate_id: str
    job_id: str
    created_on: datetime
    updated_on: datetime
    status: str
    source: tuple[str, str | None, str]  # (type id, subtype id, source value id)
    sub_status: str | None = None
    starts_on: datetime | None = None
    rejection_reason_id: str | None = None
    withdrawal_reason_id: str | None = None
    history: list[StatusChange] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)  # [{"id": questionId, "records": [{fieldId: [..]}]}]
    message_to_hiring_manager: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)  # candidate property id → value (per application)


@dataclass
class Candidate:
    id: str
    first_name: str
    last_name: str
    email: str
    created_on: datetime
    updated_on: datetime
    phone: str | None = None
    location: dict[str, Any] = field(default_factory=dict)
    web: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    average_rating: float = 0.0
    internal: bool = False
    consent_status: str = "ACQUIRED"
    education: list[dict[str, Any]] = field(default_factory=list)
    experience: list[dict[str, Any]] = field(default_factory=list)
    application_ids: list[str] = field(default_factory=list)  # in creation order


@dataclass
class Attachment:
    id: str
    candidate_id: str
    job_id: str | None
    name: str
    type: str
    content_type: str
    content: bytes
    created_on: datetime


@dataclass
class Message:
    id: str
    content: str
    author_id: str | None
    created_on: datetime
    candidate_ids: list[str]
    correlation_id: str | None
    users: list[str]
    hiring_team_of: list[str]
    everyone: bool
    open_note: bool

    @property
    def visibility(self) -> str:
        # MessageView.visibility values are NOT FOUND (SR-RB types it `Object`); ours mirror `shareWith`.
        if self.everyone:
            return "EVERYONE"
        if self.open_note:
            return "OPEN_NOTE"
        return "RESTRICTED"


@dataclass
class Offer:
    id: str
    candidate_id: str
    job_id: str
    status: str
    created_on: datetime
    updated_on: datetime
    properties: dict[str, str] = field(default_factory=dict)


@dataclass
class Timeslot:
    id: str
    starts_on: datetime
    ends_on: datetime
    interviewers: list[tuple[str, str]]
    interview_type: str | None = None
    title: str | None = None
    place: str | None = None
    candidate_status: str | None = "pending"


@dataclass
class Interview:
    id: str
    candidate_id: str
    job_id: str
    application_id: str
    organizer_id: str
    timezone: str
    created_on: datetime
    timeslots: list[Timeslot]
    location: str | None = None
    ref_url: str | None = None
    source: str | None = None
