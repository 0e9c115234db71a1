"""The unified ATS data of one integration, as the contract's `/v1/ats/*` lists show it.

Rules for everyone who writes these tables (the sync engine, the write endpoints, the sandbox):

1. **Keys.** Our `id` (base58, time-ordered; keyset pagination orders by it) is assigned once and never
   changes. Records are upserted by `(integration, remote_id)`; screening questions by `(job, remote_id)`;
   join rows by their two parents (e.g. `(job, stage)`).
2. **`changed_at`** moves (to the time of the write) only when the record's unified content changes.
   `content_hash` holds a hash of that content so writers can tell; reading `remote_data` or re-fetching an
   unchanged record must not move it.
3. **Soft delete, never hard delete.** A record or join row that vanished from the ATS gets
   `remote_deleted_at` set, and **its `changed_at` moves too**. A row that comes back gets
   `remote_deleted_at = NULL` and `changed_at` moves again.
4. **Child and join rows follow rule 3 as well** (`JobStage`, `ScreeningQuestion`, `JobPosting`,
   `HiringTeamMember`, `CandidateTag`, `UserRoleAssignment`, `InterviewUser`): their `changed_at` moves when
   they are added, changed or removed. The read API answers `updated_after` with EXISTS subqueries over these
   rows (the contract's related-data rules, §4.1), so a hard delete would make a removal invisible to clients.

JSON columns hold the contract's wire shapes (documented per field), so the presenters can copy them out.
`integration_fields` is a list of `{"key", "type": DEFAULT|CUSTOM, "value", "label"}`; the API adds each
entry's stable `id` (`apps.core.derived_ids.integration_field_id`). `remote_data` is the raw vendor
payload, never rendered by the lists.
"""

from __future__ import annotations

from django.db import models

from apps.applications.enums import (
    AttachmentType,
    OfferStatus,
    Outcome,
    PostingStatus,
    PostingVisibility,
    QuestionCategory,
    QuestionFormat,
    RoleScope,
    RoleType,
    StageStatus,
    TrackedVia,
    UserStatus,
)
from apps.core.models import PublicIdField
from apps.core.timeutils import utcnow
from apps.integrations.models import Integration

REMOTE_ID_MAX_LENGTH = 255


class SyncedRecord(models.Model):
    """Columns every synced ATS record has. `remote_id` is redeclared nullable where the contract allows null."""

    id = PublicIdField()
    # Not indexed alone: every table has indexes that start with the integration.
    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+", db_index=False)
    remote_id = models.CharField(max_length=REMOTE_ID_MAX_LENGTH)
    changed_at = models.DateTimeField(default=utcnow, help_text="Moves only when the unified content changes.")
    remote_deleted_at = models.DateTimeField(null=True, blank=True, help_text="Set when it vanished from the ATS.")
    content_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    custom_fields = models.JSONField(default=dict, blank=True)
    integration_fields = models.JSONField(default=list, blank=True)
    remote_data = models.JSONField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.remote_id or self.id}"


class RemoteTimestamps(models.Model):
    """When the ATS says it created and last updated the record (only where the contract has them)."""

    remote_created_at = models.DateTimeField(null=True, blank=True)
    remote_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Tracking(models.Model):
    """Whether Tributary tracks (and therefore syncs by default) this candidate or application."""

    tracked_at = models.DateTimeField(null=True, blank=True, help_text="Null: not tracked.")
    tracked_via = models.CharField(max_length=20, choices=TrackedVia.choices, blank=True, default="")

    class Meta:
        abstract = True


class JoinRow(models.Model):
    """A link between two records (rule 4 of the module docstring: soft-deleted, `changed_at` moves)."""

    id = PublicIdField()
    # Indexed together with changed_at (updated_after) in each table.
    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+", db_index=False)
    changed_at = models.DateTimeField(default=utcnow)
    remote_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.id}"


def _list_index(prefix: str) -> models.Index:
    # Keyset pagination: WHERE integration_id = ? AND id > ? ORDER BY id LIMIT n.
    return models.Index(fields=["integration", "id"], name=f"{prefix}_integ_id_idx")


def _changed_index(prefix: str) -> models.Index:
    # updated_after: the rows (and child / join rows) of an integration changed since a moment.
    return models.Index(fields=["integration", "changed_at"], name=f"{prefix}_integ_changed_idx")


def _remote_key(prefix: str, *fields: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=list(fields), name=f"{prefix}_remote_key")


# -- people and reference data -----------------------------------------------------------------------


class AtsUser(SyncedRecord):
    """A user of the ATS (recruiter, hiring manager, interviewer): GET /ats/users.

    System roles are `UserRoleAssignment` rows, so `updated_after` sees assignments and role changes.
    """

    remote_id = models.CharField(max_length=REMOTE_ID_MAX_LENGTH, null=True, blank=True)
    first_name = models.CharField(max_length=255, null=True, blank=True)
    last_name = models.CharField(max_length=255, null=True, blank=True)
    email = models.CharField(max_length=320, null=True, blank=True)
    status = models.CharField(max_length=20, choices=UserStatus.choices, null=True, blank=True)

    class Meta:
        verbose_name = "ATS user"
        indexes = [_list_index("usr"), _changed_index("usr")]
        constraints = [_remote_key("usr", "integration", "remote_id")]


class Role(SyncedRecord):
    """A role of the ATS, system-wide or per job: GET /ats/roles."""

    remote_id = models.CharField(max_length=REMOTE_ID_MAX_LENGTH, null=True, blank=True)
    remote_label = models.CharField(max_length=255, null=True, blank=True)
    scope = models.CharField(max_length=10, choices=RoleScope.choices, null=True, blank=True)
    unified_type = models.CharField(max_length=20, choices=RoleType.choices, null=True, blank=True)

    class Meta:
        indexes = [_list_index("role"), _changed_index("role")]
        constraints = [_remote_key("role", "integration", "remote_id")]


class UserRoleAssignment(JoinRow):
    """A system role of a user (`users[].system_roles`). Soft-deleted; `changed_at` moves on add/remove."""

    user = models.ForeignKey(AtsUser, on_delete=models.CASCADE, related_name="role_assignments", db_index=False)
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="user_assignments")

    class Meta:
        indexes = [_changed_index("usrrole")]
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="usrrole_unique")]


class Tag(SyncedRecord):
    """A candidate tag: GET /ats/tags. Candidates carry tags through `CandidateTag`."""

    remote_id = models.CharField(max_length=REMOTE_ID_MAX_LENGTH, null=True, blank=True)
    name = models.CharField(max_length=255, null=True, blank=True)

    class Meta:
        indexes = [_list_index("tag"), _changed_index("tag")]
        constraints = [_remote_key("tag", "integration", "remote_id")]


class RejectionReason(SyncedRecord):
    """A reason applications can be rejected with: GET /ats/rejection-reasons."""

    name = models.CharField(max_length=255, null=True, blank=True)

    class Meta:
        indexes = [_list_index("rejr"), _changed_index("rejr")]
        constraints = [_remote_key("rejr", "integration", "remote_id")]


class ApplicationStage(SyncedRecord):
    """A stage an application can be in: GET /ats/application-stages, and `job.stages` through `JobStage`.

    Stages are records of their own (unique per integration and remote id) because several ATSs share them
    between jobs; `JobStage` says which jobs use a stage and at which position.
    """

    remote_id = models.CharField(max_length=REMOTE_ID_MAX_LENGTH, null=True, blank=True)
    name = models.CharField(max_length=255, null=True, blank=True)
    status = models.CharField(max_length=20, choices=StageStatus.choices, null=True, blank=True)

    class Meta:
        indexes = [_list_index("stg"), _changed_index("stg")]
        constraints = [_remote_key("stg", "integration", "remote_id")]


# -- jobs ----------------------------------------------------------------------------------------------


class Job(SyncedRecord, RemoteTimestamps):
    """A job (requisition): GET /ats/jobs, with its stages, screening questions, postings and hiring team.

    `status`, `employment_type`, `visibility`, `remote_work_status` and `salary_period` are open enums: any
    string is kept (see `apps.applications.enums` for the known values). `location` is
    `{city, country, raw, state, street_1, street_2, zip_code}` (every key optional) or null.
    """

    name = models.CharField(max_length=500, null=True, blank=True)
    job_code = models.CharField(max_length=255, null=True, blank=True)
    description = models.TextField(null=True, blank=True, help_text="Usually HTML.")
    category = models.CharField(max_length=255, null=True, blank=True)
    department = models.CharField(max_length=255, null=True, blank=True)
    post_url = models.CharField(max_length=2000, null=True, blank=True)
    experience_level = models.CharField(max_length=255, null=True, blank=True)
    confidential = models.BooleanField(null=True, blank=True)
    weekly_hours = models.FloatField(null=True, blank=True)
    employment_type = models.CharField(max_length=50, null=True, blank=True)
    status = models.CharField(max_length=50, null=True, blank=True)
    visibility = models.CharField(max_length=50, null=True, blank=True)
    remote_work_status = models.CharField(max_length=50, null=True, blank=True)
    salary_amount = models.FloatField(null=True, blank=True)
    salary_amount_from = models.FloatField(null=True, blank=True)
    salary_amount_to = models.FloatField(null=True, blank=True)
    salary_currency = models.CharField(max_length=10, null=True, blank=True)
    salary_period = models.CharField(max_length=50, null=True, blank=True)
    location = models.JSONField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    remote_url = models.CharField(max_length=2000, null=True, blank=True)
    contact = models.ForeignKey(
        AtsUser, on_delete=models.SET_NULL, null=True, blank=True, related_name="contact_jobs", help_text="Deprecated"
    )

    class Meta:
        indexes = [_list_index("job"), _changed_index("job")]
        constraints = [_remote_key("job", "integration", "remote_id")]

    def __str__(self) -> str:
        return self.name or super().__str__()


class JobStage(JoinRow):
    """A stage used by a job, at position `index` (`job.stages[]`). Soft-deleted; `changed_at` moves on add/remove."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="job_stages", db_index=False)
    stage = models.ForeignKey(ApplicationStage, on_delete=models.CASCADE, related_name="job_stages")
    index = models.IntegerField(null=True, blank=True)

    class Meta:
        indexes = [_changed_index("jobstage")]
        constraints = [models.UniqueConstraint(fields=["job", "stage"], name="jobstage_unique")]


class ScreeningQuestion(SyncedRecord):
    """A question applicants of a job answer (`job.screening_questions[]`); unique per `(job, remote_id)`.

    Questions are children of their job (some ATSs reuse question ids across jobs, so the key is per job).
    - `format_details`: the format's keys besides `type` and `options` (see `enums.QUESTION_FORMAT_DETAILS`),
      e.g. `{"display_type": "MULTI_LINE", "max_length": 500}`.
    - `options` (select formats): `[{"remote_id", "name"}]`; the API adds each option's stable `id`
      (`identifiers.screening_option_id(question.id, remote_id or name)`).
    - `precondition_question_remote_id` + `precondition_options`: show the question only when that question
      (same job) was answered with one of the options (their remote ids) or with `[true]` / `[false]`. The API
      turns both into our ids.
    Soft-deleted like every child row; `changed_at` moves when it is added, changed or removed.
    """

    remote_id = models.CharField(max_length=REMOTE_ID_MAX_LENGTH, null=True, blank=True)
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="screening_questions", db_index=False)
    title = models.TextField(null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    category = models.CharField(max_length=20, choices=QuestionCategory.choices, null=True, blank=True)
    required = models.BooleanField(null=True, blank=True)
    format_type = models.CharField(max_length=20, choices=QuestionFormat.choices, default=QuestionFormat.UNKNOWN)
    format_details = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=list, blank=True)
    index = models.IntegerField(null=True, blank=True)
    precondition_question_remote_id = models.CharField(max_length=REMOTE_ID_MAX_LENGTH, null=True, blank=True)
    precondition_options = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [_changed_index("sq")]
        constraints = [_remote_key("sq", "job", "remote_id")]


class JobPosting(SyncedRecord):
    """A published posting of a job (`job.job_postings[]`); unique per `(integration, remote_id)`. Soft-deleted."""

    remote_id = models.CharField(max_length=REMOTE_ID_MAX_LENGTH, null=True, blank=True)
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="job_postings")
    title = models.CharField(max_length=500, null=True, blank=True)
    description_html = models.TextField(null=True, blank=True)
    url = models.CharField(max_length=2000, null=True, blank=True)
    status = models.CharField(max_length=20, choices=PostingStatus.choices, null=True, blank=True)
    visibility = models.CharField(max_length=20, choices=PostingVisibility.choices, null=True, blank=True)

    class Meta:
        indexes = [_changed_index("post")]
        constraints = [_remote_key("post", "integration", "remote_id")]


class HiringTeamMember(JoinRow):
    """A user on a job's hiring team (`job.hiring_team[]`). Soft-deleted; `changed_at` moves on add/change/remove.

    `job_roles`: `[{"remote_id", "remote_label", "unified_type"}]` (`unified_type` one of `enums.RoleType` or
    null); the API adds `"scope": "JOB"`.
    """

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="hiring_team", db_index=False)
    user = models.ForeignKey(AtsUser, on_delete=models.CASCADE, related_name="hiring_team_memberships")
    job_roles = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [_changed_index("hiring")]
        constraints = [models.UniqueConstraint(fields=["job", "user"], name="hiring_team_unique")]


# -- candidates and applications ---------------------------------------------------------------------


class Candidate(SyncedRecord, RemoteTimestamps, Tracking):
    """A person who applied: GET /ats/candidates. Tags through `CandidateTag`.

    - `email_addresses`: `[{"email_address", "type"}]`; `phone_numbers`: `[{"phone_number", "type"}]`;
      `social_media`: `[{"link", "type", "username"}]`; `location`: as on `Job`, or null.
    - Tracked (`tracked_at` set) when created through Tributary or imported; only tracked candidates are
      synced unless the integration widens that.
    """

    first_name = models.CharField(max_length=255, null=True, blank=True)
    last_name = models.CharField(max_length=255, null=True, blank=True)
    company = models.CharField(max_length=255, null=True, blank=True)
    title = models.CharField(max_length=255, null=True, blank=True)
    source = models.CharField(max_length=255, null=True, blank=True)
    confidential = models.BooleanField(null=True, blank=True)
    remote_url = models.CharField(max_length=2000, null=True, blank=True)
    email_addresses = models.JSONField(default=list, blank=True)
    phone_numbers = models.JSONField(default=list, blank=True)
    social_media = models.JSONField(default=list, blank=True)
    location = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [_list_index("cand"), _changed_index("cand")]
        constraints = [_remote_key("cand", "integration", "remote_id")]

    def __str__(self) -> str:
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or super().__str__()


class CandidateTag(JoinRow):
    """A tag on a candidate (`candidate.tags[]`). Soft-deleted; `changed_at` moves on add/remove."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="candidate_tags", db_index=False)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="candidate_tags")

    class Meta:
        indexes = [_changed_index("candtag")]
        constraints = [models.UniqueConstraint(fields=["candidate", "tag"], name="candtag_unique")]


class Application(SyncedRecord, RemoteTimestamps, Tracking):
    """A candidate's application to a job: GET /ats/applications. Interviews and offers point at it.

    - `outcome` (PENDING / HIRED / DECLINED) and `current_stage` are computed per ATS by the sync.
    - `rejection_reason` links the reason record when the ATS names one; `rejection_reason_name` is the label
      the API shows (the ATS may give a free-text reason without a record).
    - `screening_question_answers`: the wire shape, `[{"question": {"remote_id", "title", "type"},
      "answer": {<key>: value}}]` with the answer key matching `question.type` (`enums.SCREENING_ANSWER_KEYS`;
      no FILE answers: the SDK rejects them).
    - Tracked (`tracked_at` set) when created through Tributary or imported.
    """

    remote_id = models.CharField(max_length=REMOTE_ID_MAX_LENGTH, null=True, blank=True)
    candidate = models.ForeignKey(
        Candidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications")
    current_stage = models.ForeignKey(
        ApplicationStage, on_delete=models.SET_NULL, null=True, blank=True, related_name="current_applications"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, null=True, blank=True)
    rejection_reason = models.ForeignKey(
        RejectionReason, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )
    rejection_reason_name = models.CharField(max_length=500, null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    remote_url = models.CharField(max_length=2000, null=True, blank=True)
    screening_question_answers = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [_list_index("app"), _changed_index("app")]
        constraints = [_remote_key("app", "integration", "remote_id")]


class Offer(SyncedRecord, RemoteTimestamps):
    """An offer made on an application: GET /ats/offers and `application.offers[]`."""

    remote_id = models.CharField(max_length=REMOTE_ID_MAX_LENGTH, null=True, blank=True)
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="offers"
    )
    status = models.CharField(max_length=20, choices=OfferStatus.choices, null=True, blank=True)
    employment_start_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [_list_index("offer"), _changed_index("offer")]
        constraints = [_remote_key("offer", "integration", "remote_id")]


class Interview(SyncedRecord, RemoteTimestamps):
    """An interview of an application: GET /ats/interviews and `application.interviews[]`.

    Interviewers are `InterviewUser` rows. `location` as on `Job`, or null.
    """

    remote_id = models.CharField(max_length=REMOTE_ID_MAX_LENGTH, null=True, blank=True)
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="interviews"
    )
    stage = models.ForeignKey(
        ApplicationStage, on_delete=models.SET_NULL, null=True, blank=True, related_name="interviews"
    )
    title = models.CharField(max_length=500, null=True, blank=True)
    starting_at = models.DateTimeField(null=True, blank=True)
    ending_at = models.DateTimeField(null=True, blank=True)
    canceled = models.BooleanField(null=True, blank=True)
    video_conferencing_url = models.CharField(max_length=2000, null=True, blank=True)
    location = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [_list_index("intv"), _changed_index("intv")]
        constraints = [_remote_key("intv", "integration", "remote_id")]


class InterviewUser(JoinRow):
    """An interviewer of an interview (`interview.users[]`). Soft-deleted; `changed_at` moves on add/remove."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="interview_users", db_index=False)
    user = models.ForeignKey(AtsUser, on_delete=models.CASCADE, related_name="interview_assignments")

    class Meta:
        indexes = [_changed_index("intvuser")]
        constraints = [models.UniqueConstraint(fields=["interview", "user"], name="intvuser_unique")]


class Note(SyncedRecord, RemoteTimestamps):
    """A note on a candidate (and maybe one application): GET /ats/notes."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="notes")
    application = models.ForeignKey(Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="notes")
    author = models.ForeignKey(AtsUser, on_delete=models.SET_NULL, null=True, blank=True, related_name="notes")
    title = models.CharField(max_length=500, null=True, blank=True)
    content_html = models.TextField(null=True, blank=True)
    is_private = models.BooleanField(null=True, blank=True)

    class Meta:
        indexes = [_list_index("note"), _changed_index("note")]
        constraints = [_remote_key("note", "integration", "remote_id")]


class Scorecard(SyncedRecord, RemoteTimestamps):
    """Interview feedback: GET /ats/scorecards.

    `responses`: the wire shape, a list of the six variants `{"type", "remote_id", "label", "description",
    "required", "answer"}` plus `"options": [{"remote_id", "label"}]` for the select types.
    """

    candidate = models.ForeignKey(
        Candidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="scorecards"
    )
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="scorecards"
    )
    interview = models.ForeignKey(
        Interview, on_delete=models.SET_NULL, null=True, blank=True, related_name="scorecards"
    )
    author = models.ForeignKey(AtsUser, on_delete=models.SET_NULL, null=True, blank=True, related_name="scorecards")
    responses = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [_list_index("scard"), _changed_index("scard")]
        constraints = [_remote_key("scard", "integration", "remote_id")]


class Attachment(SyncedRecord, RemoteTimestamps):
    """A file on a candidate (and maybe one application): GET /ats/attachments.

    `storage_key` says where we keep the file's bytes once downloaded (empty until then).
    """

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="attachments")
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    file_name = models.CharField(max_length=500, null=True, blank=True)
    type = models.CharField(max_length=20, choices=AttachmentType.choices, null=True, blank=True)
    content_type = models.CharField(max_length=255, null=True, blank=True)
    storage_key = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        indexes = [_list_index("att"), _changed_index("att")]
        constraints = [_remote_key("att", "integration", "remote_id")]


# -- the write path --------------------------------------------------------------------------------------


class IdempotencyKey(models.Model):
    """A write request sent with an `Idempotency-Key` header, and its final response once there is one.

    The first request inserts the row (unique per integration and key) and so owns the write; identical
    requests that arrive meanwhile wait for it and then answer its stored response. The same key with another
    request (`fingerprint`: method, path and body) is refused. A write that may or may not have reached the ATS
    (no answer in time) leaves the key UNCERTAIN: a retry then looks the result up in the ATS before anything
    is sent again. Failures that wrote nothing (invalid input, ATS unavailable) release the key (row deleted),
    so a retry runs afresh. Rows older than `IDEMPOTENCY_KEY_TTL_SECONDS` no longer count.
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "IN_PROGRESS"
        COMPLETED = "COMPLETED"
        UNCERTAIN = "UNCERTAIN"

    id = PublicIdField()
    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path and canonical body.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    claim_token = models.CharField(max_length=32, help_text="Who works on it now; changes when a retry takes over.")
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=utcnow)
    claimed_at = models.DateTimeField(default=utcnow, help_text="When the current owner took it.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["integration", "key"], name="idempotency_key_unique")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


class CreateProgress(models.Model):
    """The steps of one create-application (or legacy create-candidate) that the ATS confirmed, each stored before
    the next is sent (`apps.connectors.steps`). A retry resumes from here instead of creating anything twice, and
    an "already applied" answer for this candidate and job is known to be Tributary's own (not someone else's).

    `steps`: `{step name: details}`; the `application` step holds the remote ids and the follow-up steps still
    `pending`. `idempotency_key`: the request's key, "" without one. `email`: the candidate's, casefolded.
    """

    id = PublicIdField()
    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+", db_index=False)
    idempotency_key = models.CharField(max_length=255, blank=True)
    job_remote_id = models.CharField(max_length=255)
    email = models.CharField(max_length=320)
    steps = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=utcnow)
    updated_at = models.DateTimeField(default=utcnow)

    class Meta:
        indexes = [
            models.Index(fields=["integration", "job_remote_id", "email"], name="create_progress_target_idx"),
            models.Index(fields=["integration", "idempotency_key"], name="create_progress_key_idx"),
            models.Index(fields=["created_at"], name="create_progress_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.job_remote_id} / {self.email}: {', '.join(self.steps) or 'nothing yet'}"
