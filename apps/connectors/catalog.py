"""Declarative catalog metadata each connector class carries: auth modes, coverage, scope tests, sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class AuthKind(StrEnum):
    NONE = "NONE"
    API_KEY = "API_KEY"
    OAUTH2_AUTHORIZATION_CODE = "OAUTH2_AUTHORIZATION_CODE"
    OAUTH2_CLIENT_CREDENTIALS = "OAUTH2_CLIENT_CREDENTIALS"


class CoverageStatus(StrEnum):
    SUPPORTED = "SUPPORTED"
    UNSUPPORTED = "UNSUPPORTED"
    NOT_IMPLEMENTED = "NOT_IMPLEMENTED"
    UNKNOWN = "UNKNOWN"


class SourceStrategy(StrEnum):
    """How a connector puts the customer's source on a candidate it creates."""

    FREE_TEXT = "FREE_TEXT"  # any name is accepted as written
    MUST_EXIST = "MUST_EXIST"  # the end user sets it up by hand in the ATS; we find and verify it
    CREATABLE = "CREATABLE"  # we create it through the API when missing
    UNSUPPORTED = "UNSUPPORTED"  # the ATS has no writable source


class ReadModel(StrEnum):
    """Unified read models, named like Kombo's `changed_models` entries."""

    USERS = "ats_users"
    ROLES = "ats_roles"
    TAGS = "ats_tags"
    REJECTION_REASONS = "ats_rejection_reasons"
    APPLICATION_STAGES = "ats_application_stages"
    JOBS = "ats_jobs"
    CANDIDATES = "ats_candidates"
    APPLICATIONS = "ats_applications"
    OFFERS = "ats_offers"
    INTERVIEWS = "ats_interviews"
    NOTES = "ats_notes"
    SCORECARDS = "ats_scorecards"
    ATTACHMENTS = "ats_attachments"


class WriteAction(StrEnum):
    CREATE_APPLICATION = "ats_create_application"
    CREATE_CANDIDATE = "ats_create_candidate"
    IMPORT_TRACKED_APPLICATION = "ats_import_tracked_application"
    MOVE_APPLICATION_STAGE = "ats_move_application_stage"
    REJECT_APPLICATION = "ats_reject_application"
    ADD_APPLICATION_NOTE = "ats_add_application_note"
    ADD_APPLICATION_ATTACHMENT = "ats_add_application_attachment"
    ADD_APPLICATION_RESULT_LINK = "ats_add_application_result_link"
    ADD_CANDIDATE_ATTACHMENT = "ats_add_candidate_attachment"
    ADD_CANDIDATE_RESULT_LINK = "ats_add_candidate_result_link"
    ADD_CANDIDATE_TAG = "ats_add_candidate_tag"
    REMOVE_CANDIDATE_TAG = "ats_remove_candidate_tag"
    GET_APPLICATION_ATTACHMENTS = "ats_get_application_attachments"
    GET_CANDIDATE_ATTACHMENTS = "ats_get_candidate_attachments"


READ_MODEL_LABELS: dict[ReadModel, str] = {
    ReadModel.USERS: "Users",
    ReadModel.ROLES: "Roles",
    ReadModel.TAGS: "Tags",
    ReadModel.REJECTION_REASONS: "Rejection reasons",
    ReadModel.APPLICATION_STAGES: "Application stages",
    ReadModel.JOBS: "Jobs",
    ReadModel.CANDIDATES: "Candidates",
    ReadModel.APPLICATIONS: "Applications",
    ReadModel.OFFERS: "Offers",
    ReadModel.INTERVIEWS: "Interviews",
    ReadModel.NOTES: "Notes",
    ReadModel.SCORECARDS: "Scorecards",
    ReadModel.ATTACHMENTS: "Attachments",
}

WRITE_ACTION_LABELS: dict[WriteAction, str] = {
    WriteAction.CREATE_APPLICATION: "Create application",
    WriteAction.CREATE_CANDIDATE: "Create candidate",
    WriteAction.IMPORT_TRACKED_APPLICATION: "Import tracked application",
    WriteAction.MOVE_APPLICATION_STAGE: "Move application to stage",
    WriteAction.REJECT_APPLICATION: "Reject application",
    WriteAction.ADD_APPLICATION_NOTE: "Add application note",
    WriteAction.ADD_APPLICATION_ATTACHMENT: "Add application attachment",
    WriteAction.ADD_APPLICATION_RESULT_LINK: "Add application result link",
    WriteAction.ADD_CANDIDATE_ATTACHMENT: "Add candidate attachment",
    WriteAction.ADD_CANDIDATE_RESULT_LINK: "Add candidate result link",
    WriteAction.ADD_CANDIDATE_TAG: "Add candidate tag",
    WriteAction.REMOVE_CANDIDATE_TAG: "Remove candidate tag",
    WriteAction.GET_APPLICATION_ATTACHMENTS: "Get application attachments",
    WriteAction.GET_CANDIDATE_ATTACHMENTS: "Get candidate attachments",
}


class Scope(StrEnum):
    """What restricts a read: nothing, or the parent application / candidate remote ids it belongs to."""

    NONE = "NONE"
    APPLICATION = "APPLICATION"
    CANDIDATE = "CANDIDATE"


@dataclass(frozen=True)
class CredentialField:
    name: str
    label: str
    secret: bool = True
    required: bool = True
    help_text: str = ""
    placeholder: str = ""
    # (value, label) pairs: the flow shows a select instead of a text box (e.g. a vendor's region); not secret.
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class AuthMode:
    """One way to connect: the credential fields the end user fills in and the guide shown beside them."""

    kind: AuthKind
    label: str
    fields: tuple[CredentialField, ...] = ()
    guide: str = ""  # Markdown; shown in the connection flow before the form
    links: tuple[tuple[str, str], ...] = ()  # (label, url)
    oauth_scopes: tuple[str, ...] = ()


class SourceLevel(StrEnum):
    """Where the ATS keeps the source: on each application (per job) or once on the candidate."""

    APPLICATION = "APPLICATION"
    CANDIDATE = "CANDIDATE"


@dataclass(frozen=True)
class SourceSetupGuide:
    """The source step of the connection flow for MUST_EXIST / CREATABLE tools.

    `guide` is Markdown; `{source_name}` is replaced by the exact name to set up (escaped). `source_type_label`
    names the kind of source the ATS must show it as (e.g. SmartRecruiters' "Custom source"), None when any.
    """

    guide: str
    links: tuple[tuple[str, str], ...] = ()  # (label, url)
    source_type_label: str | None = None
    # For tools whose sources cannot be found by name (Personio's recruiting channels): the label of the id the
    # end user pastes instead (e.g. "Channel ID"); the flow checks it live through `Connector.select_source`.
    remote_id_label: str | None = None


@dataclass(frozen=True)
class ScopeTest:
    """One cheap call that proves one permission, run live in the connection flow."""

    id: str
    label: str
    fix_hint: str  # what the end user should change when it fails


@dataclass(frozen=True)
class ReadCoverage:
    model: ReadModel
    fields: dict[str, CoverageStatus] = field(default_factory=dict)
    supports_updated_since: bool = False
    supports_remote_ids: bool = False  # can fetch exactly given records (tracked-only syncs)
    scope: Scope = Scope.NONE  # readable only per parent application/candidate


@dataclass(frozen=True)
class WriteCoverage:
    action: WriteAction
    fields: dict[str, CoverageStatus] = field(default_factory=dict)


@dataclass(frozen=True)
class RateBudget:
    """The ATS's limits per credential; the HTTP seam keeps all our processes together under them."""

    requests_per_second: float
    max_concurrency: int = 8
    # Per-path-prefix concurrency caps, e.g. {"GET /candidates": 1} for SmartRecruiters.
    concurrency_overrides: dict[str, int] = field(default_factory=dict)
    # Per-path-prefix request rates below the overall one, e.g. {"POST /": 200 / 60} for Factorial's POST limit.
    # Such requests are spaced by both: the overall budget and their lane's own (kept under `rate_key_for`).
    rate_overrides: dict[str, float] = field(default_factory=dict)


# The unified fields of each read model and write action, as the coverage tables list them.
READ_MODEL_FIELDS: dict[ReadModel, tuple[str, ...]] = {
    ReadModel.USERS: ("remote_id", "first_name", "last_name", "email", "status", "system_roles"),
    ReadModel.ROLES: ("remote_id", "remote_label", "scope", "unified_type"),
    ReadModel.TAGS: ("remote_id", "name"),
    ReadModel.REJECTION_REASONS: ("remote_id", "name"),
    ReadModel.APPLICATION_STAGES: ("remote_id", "name", "status", "custom_fields"),
    ReadModel.JOBS: (
        "remote_id",
        "name",
        "job_code",
        "description",
        "category",
        "department",
        "post_url",
        "experience_level",
        "confidential",
        "weekly_hours",
        "employment_type",
        "status",
        "visibility",
        "remote_work_status",
        "salary_amount",
        "salary_amount_from",
        "salary_amount_to",
        "salary_currency",
        "salary_period",
        "location",
        "opened_at",
        "closed_at",
        "remote_created_at",
        "remote_updated_at",
        "remote_url",
        "stages",
        "screening_questions",
        "job_postings",
        "hiring_team",
        "custom_fields",
    ),
    ReadModel.CANDIDATES: (
        "remote_id",
        "first_name",
        "last_name",
        "company",
        "title",
        "source",
        "confidential",
        "email_addresses",
        "phone_numbers",
        "social_media",
        "location",
        "tags",
        "remote_created_at",
        "remote_updated_at",
        "remote_url",
        "custom_fields",
    ),
    ReadModel.APPLICATIONS: (
        "remote_id",
        "candidate",
        "job",
        "current_stage",
        "outcome",
        "rejection_reason_name",
        "rejected_at",
        "screening_question_answers",
        "remote_created_at",
        "remote_updated_at",
        "remote_url",
        "custom_fields",
    ),
    ReadModel.OFFERS: (
        "remote_id",
        "application",
        "status",
        "employment_start_date",
        "remote_created_at",
        "remote_updated_at",
        "custom_fields",
    ),
    ReadModel.INTERVIEWS: (
        "remote_id",
        "application",
        "stage",
        "title",
        "starting_at",
        "ending_at",
        "location",
        "video_conferencing_url",
        "canceled",
        "users",
        "remote_created_at",
        "remote_updated_at",
    ),
    ReadModel.NOTES: (
        "remote_id",
        "candidate",
        "application",
        "author",
        "title",
        "content_html",
        "is_private",
        "remote_created_at",
        "remote_updated_at",
    ),
    ReadModel.SCORECARDS: (
        "remote_id",
        "candidate",
        "application",
        "interview",
        "author",
        "responses",
        "remote_created_at",
        "remote_updated_at",
    ),
    ReadModel.ATTACHMENTS: (
        "remote_id",
        "candidate",
        "application",
        "file_name",
        "type",
        "remote_created_at",
        "remote_updated_at",
    ),
}

CANDIDATE_WRITE_FIELDS: tuple[str, ...] = (
    "candidate.first_name",
    "candidate.last_name",
    "candidate.email_address",
    "candidate.additional_email_addresses",
    "candidate.company",
    "candidate.title",
    "candidate.phone_number",
    "candidate.additional_phone_numbers",
    "candidate.location",
    "candidate.gender",
    "candidate.availability_date",
    "candidate.salary_expectations",
    "candidate.social_links",
    "stage_id",
    "attachments",
    "source",
    "sourced_by",
    "gdpr_consent",
    "screening_question_answers",
    "remote_fields",
)

WRITE_ACTION_FIELDS: dict[WriteAction, tuple[str, ...]] = {
    WriteAction.CREATE_APPLICATION: CANDIDATE_WRITE_FIELDS,
    WriteAction.CREATE_CANDIDATE: CANDIDATE_WRITE_FIELDS,
    WriteAction.IMPORT_TRACKED_APPLICATION: ("tracked_at",),
    WriteAction.MOVE_APPLICATION_STAGE: ("stage_id", "remote_fields"),
    WriteAction.REJECT_APPLICATION: ("rejection_reason_id", "note", "remote_fields"),
    WriteAction.ADD_APPLICATION_NOTE: ("content", "content_type", "remote_fields"),
    WriteAction.ADD_APPLICATION_ATTACHMENT: ("attachment", "remote_fields"),
    WriteAction.ADD_APPLICATION_RESULT_LINK: ("label", "url", "details", "remote_fields"),
    WriteAction.ADD_CANDIDATE_ATTACHMENT: ("attachment", "remote_fields"),
    WriteAction.ADD_CANDIDATE_RESULT_LINK: ("label", "url", "details", "remote_fields"),
    WriteAction.ADD_CANDIDATE_TAG: ("tag", "remote_fields"),
    WriteAction.REMOVE_CANDIDATE_TAG: ("tag", "remote_fields"),
    WriteAction.GET_APPLICATION_ATTACHMENTS: (),
    WriteAction.GET_CANDIDATE_ATTACHMENTS: (),
}


def fields_with_status(
    names: tuple[str, ...], *, unsupported: tuple[str, ...] = (), not_implemented: tuple[str, ...] = ()
) -> dict[str, CoverageStatus]:
    """Coverage for `names`: SUPPORTED unless listed as unsupported or not implemented."""
    result: dict[str, CoverageStatus] = {}
    for name in names:
        if name in unsupported:
            result[name] = CoverageStatus.UNSUPPORTED
        elif name in not_implemented:
            result[name] = CoverageStatus.NOT_IMPLEMENTED
        else:
            result[name] = CoverageStatus.SUPPORTED
    return result
