"""Typed records connectors return (readers) and take (writers). Remote ids only; our ids live in the apps.

Shapes follow the unified model of the contract so mapping into the database is mechanical. `remote_data`
carries the raw vendor payload for debugging and `integration_fields`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
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
class RemoteFieldDefinition:
    """A field the ATS exposes on one model (integration fields, contract §6), found by `Connector.list_fields`.

    `path` locates the raw value in the record's `remote_data`: each step is a key of an object, or a
    `(name, value)` pair picking the element of a list whose `name` equals `value`. Empty: no value is read.
    """

    model: str  # a ReadModel value: ats_jobs | ats_candidates | ats_applications
    key: str
    label: str | None = None
    type: str = "DEFAULT"  # DEFAULT (the vendor's standard payload) | CUSTOM (the customer's own fields)
    path: tuple[Any, ...] = ()


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


# -- writes -------------------------------------------------------------------------------------------
#
# What the write path (apps.applications.writes) hands to the write methods of `Connector`, and what they
# return. The API layer has already validated everything the contract asks for (required fields, enums, ISO
# country codes, URLs, screening answers against the job's questions) and resolved our ids to remote ids; what a
# connector still has to do is map these to its ATS, and report in `warnings` whatever it could not take.


@dataclass(frozen=True, slots=True)
class SalaryExpectation:
    """`period` is MONTH or YEAR, already converted to `Connector.salary_period` when the connector names one."""

    period: str
    amount: float


@dataclass(frozen=True, slots=True)
class CandidateInput:
    """The candidate of a create-application / create-candidate request (contract §5.1 `candidate`).

    `location.country` is an uppercase ISO 3166-1 alpha-2 code (validated); the connector turns it into whatever
    its ATS uses (a country name, a lowercase code, ...). `additional_*` entries carry `type` PERSONAL | WORK |
    OTHER. `social_links` are absolute http(s) URLs.
    """

    first_name: str
    last_name: str
    email_address: str
    additional_email_addresses: tuple[EmailAddress, ...] = ()
    company: str | None = None
    title: str | None = None
    phone_number: str | None = None
    additional_phone_numbers: tuple[PhoneNumber, ...] = ()
    location: Location | None = None
    gender: str | None = None  # MALE | FEMALE | OTHER
    availability_date: date | None = None
    salary_expectation: SalaryExpectation | None = None
    social_links: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AttachmentInput:
    """A file to write, already downloaded (from `data_url`) or decoded (from base64 `data`)."""

    name: str  # file name with extension
    type: str  # CV | COVER_LETTER | OTHER
    content_type: str  # MIME type; never empty
    data: bytes


@dataclass(frozen=True, slots=True)
class ScreeningAnswerInput:
    """One validated answer to one of the job's screening questions, by the question's remote id.

    `value` by `type`: TEXT → str; NUMBER → float; BOOLEAN → bool; DATE → date; SINGLE_SELECT → the option's
    remote id (str); MULTI_SELECT → tuple of option remote ids; FILE → AttachmentInput (type OTHER); UNKNOWN →
    the JSON value as sent (the question's format is unknown to us, so nothing was checked).
    """

    question_remote_id: str
    type: str
    value: str | float | bool | date | tuple[str, ...] | AttachmentInput | Any
    question_title: str | None = None


@dataclass(frozen=True, slots=True)
class RequestedSource:
    """The deprecated `source` of a create request. Connectors honour it only where their ATS can take it.

    It is passed only when automatic attribution has no source to write (`CreateApplicationInput.source` is None)
    and the connector's write coverage has `source` SUPPORTED.
    """

    name: str | None = None
    unified_key: str | None = None
    remote_id: str | None = None


@dataclass(frozen=True, slots=True)
class GdprConsent:
    given: bool | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CustomFieldValue:
    """A value for one of the ATS's own fields, from the request's `custom_fields` (Tributary's extension) through
    the integration's custom field mapping: `model` and `key` are the integration field's (`RemoteFieldDefinition`)."""

    model: str  # ats_candidates | ats_applications
    key: str
    value: Any
    name: str = ""  # the request's own key (the environment's custom field key): what messages name


@dataclass(frozen=True, slots=True)
class CreateApplicationInput:
    """A create-application (or legacy create-candidate) request, validated and resolved to remote ids.

    - `stage_remote_id`: None means the job's default (first) stage: let the ATS pick it.
    - `attachments`: in request order; `resume` is the first CV (the one an ATS shows as the resume).
    - `source`: what automatic attribution writes (apps.attribution), None when it writes nothing. Apply it to
      a new candidate and its application; never overwrite an existing candidate's source.
    - `requested_source`: the request's deprecated `source`, see `RequestedSource`.
    - `remote_fields`: the request's `remote_fields[<this tool>]` only (other tools' keys were dropped).
    - `custom_fields`: values for the ATS's own fields (only for connectors with `takes_custom_fields`).
    Fields the connector's write coverage marks as not SUPPORTED have been removed (with a warning) already.
    """

    job_remote_id: str
    candidate: CandidateInput
    stage_remote_id: str | None = None
    attachments: tuple[AttachmentInput, ...] = ()
    screening_answers: tuple[ScreeningAnswerInput, ...] = ()
    source: SourceInstruction | None = None
    requested_source: RequestedSource | None = None
    sourced_by_user_remote_id: str | None = None
    gdpr_consent: GdprConsent | None = None
    remote_fields: Mapping[str, Any] = field(default_factory=dict)
    custom_fields: tuple[CustomFieldValue, ...] = ()

    @property
    def resume(self) -> AttachmentInput | None:
        return next((attachment for attachment in self.attachments if attachment.type == "CV"), None)


@dataclass(frozen=True, slots=True)
class CreateApplicationResult:
    """What a create wrote: the application and its candidate as the ATS now has them.

    `candidate_existed` is True when the ATS matched an existing candidate (e.g. by email) instead of creating
    one; its source was then left alone. `warnings` name everything the connector had to drop or change (never
    drop anything silently), e.g. "candidate.gender: SmartRecruiters has no gender field; not written."
    """

    application: RemoteApplication
    candidate: RemoteCandidate
    candidate_existed: bool = False
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ApplicationRef:
    """An application we hold, with the remote ids a connector may need to address it (e.g. SmartRecruiters
    addresses an application as candidate × job)."""

    remote_id: str
    candidate_remote_id: str | None = None
    job_remote_id: str | None = None


@dataclass(frozen=True, slots=True)
class ResultLinkInput:
    """A link to a result (assessment report, ...) to put on an application or candidate."""

    label: str
    url: str
    custom_field_name_prefix: str | None = None  # `details.custom_field_name_prefix`
    attributes: tuple[tuple[str, str], ...] = ()  # `details.attributes` as (key, value)


@dataclass(frozen=True, slots=True)
class WriteResult:
    """The outcome of a write action. `application` / `candidate`: the record as it is after the write, when the
    connector has it at no extra cost (the write path then refreshes our copy at once)."""

    warnings: tuple[str, ...] = ()
    application: RemoteApplication | None = None
    candidate: RemoteCandidate | None = None


@dataclass(frozen=True, slots=True)
class AttachmentList:
    """The attachments of one application or candidate, read live. `content_type` should be set on each."""

    attachments: tuple[RemoteAttachment, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AttachmentRef:
    """An attachment to download, with the remote ids of its owners (from `AttachmentList`)."""

    remote_id: str
    candidate_remote_id: str
    application_remote_id: str | None = None


@dataclass(frozen=True, slots=True)
class DownloadedFile:
    content: bytes
    content_type: str | None = None
    file_name: str | None = None


@dataclass(frozen=True, slots=True)
class TrackedApplication:
    """An application found in the ATS (import-tracked-application, reconciling an uncertain create)."""

    application: RemoteApplication
    candidate: RemoteCandidate


# -- passthrough (POST /passthrough/{tool}/{api}) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PassthroughFile:
    """One file part of a multipart passthrough body."""

    field_name: str
    file_name: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class PassthroughRequest:
    """A caller's request to the ATS's own API, already checked by the platform (method, path, header policy).

    `path` is relative to the API's base and may carry a query string; `params` are added to it. At most one body:
    `json_body` (sent as JSON; None = none), `raw_body` (sent as is, with the caller's Content-Type), or a
    multipart body of `form_fields` and `files`.
    """

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    json_body: Any = None
    raw_body: bytes | None = None
    form_fields: tuple[tuple[str, str], ...] = ()
    files: tuple[PassthroughFile, ...] = ()

    @property
    def is_multipart(self) -> bool:
        return bool(self.form_fields or self.files)


@dataclass(frozen=True, slots=True)
class PassthroughResponse:
    """What the ATS answered, whatever the status. `url` is the full URL that was called (no credentials in it);
    `headers` are the header lines in order (a repeated header appears once per line)."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
